"""The networks and the loss of the training peers, in plain PyTorch, as ssl-model and trainer-service build them.

- `SmallCnn`: ssl-model's `Encoders.smallCnn()`: four 3x3 convolutions (no bias) of widths 32-64-128-128 and strides
  1-2-1-2, each followed by BatchNorm (momentum 0.1, eps 1e-5) and ReLU, then global average pooling: 128 features.
- `ResNet18`: `Encoders.resnet18()`: the small-image stem (3x3 conv, stride 1, no max-pool), BasicBlocks 2-2-2-2 of
  widths 64-128-256-512, global average pooling: 512 features.
- `SimCLR`: encoder, then the trainer's SimCLR projection head Linear(D, 128)-ReLU-Linear(128, 64) (no BatchNorm).
- `nt_xent`: the trainer's `NtXentLoss`: rows i and i + N are the two views of one image; the mean over the 2N anchors
  of the cross-entropy of picking the positive among the other 2N - 1 rows, cosine similarity over the temperature.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def conv_bn_relu(cin, cout, stride):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class SmallCnn(nn.Module):
    def __init__(self, channels=1, widths=(32, 64, 128, 128), strides=(1, 2, 1, 2)):
        super().__init__()
        layers = []
        cin = channels
        for w, s in zip(widths, strides):
            layers.append(conv_bn_relu(cin, w, s))
            cin = w
        self.net = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.dim = widths[-1]

    def forward(self, x):
        return self.net(x)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNet18(nn.Module):
    def __init__(self, channels=1, widths=(64, 128, 256, 512), blocks=(2, 2, 2, 2)):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(channels, widths[0], 3, 1, 1, bias=False), nn.BatchNorm2d(widths[0]), nn.ReLU(inplace=True))
        layers = []
        cin = widths[0]
        for stage, (w, n) in enumerate(zip(widths, blocks)):
            for b in range(n):
                layers.append(BasicBlock(cin, w, 2 if stage > 0 and b == 0 else 1))
                cin = w
        self.layers = nn.Sequential(*layers)
        self.dim = widths[-1]

    def forward(self, x):
        return F.adaptive_avg_pool2d(self.layers(self.stem(x)), 1).flatten(1)


ENCODERS = {"small-cnn": SmallCnn, "resnet18": ResNet18}


class SimCLR(nn.Module):
    def __init__(self, encoder, projection=(128, 64)):
        super().__init__()
        self.encoder = encoder
        self.projector = nn.Sequential(nn.Linear(encoder.dim, projection[0]), nn.ReLU(inplace=True), nn.Linear(projection[0], projection[1]))

    def forward(self, x):
        return self.projector(self.encoder(x))


def nt_xent(z1, z2, temperature=0.5):
    n = z1.shape[0]
    z = F.normalize(torch.cat([z1, z2], dim=0), dim=1)
    sim = (z @ z.t()) / temperature
    sim.fill_diagonal_(float("-inf"))
    targets = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return F.cross_entropy(sim, targets)


def simclr_step(model, opt, views, temperature=0.5):
    """One training step on `views` (2N, C, H, W), views 1 then views 2: forward, loss, zero_grad, backward, optimizer
    step, the loss read back (which waits for the work, as our side's reading of the loss does)."""
    n = views.shape[0] // 2
    z = model(views)
    loss = nt_xent(z[:n], z[n:], temperature)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return float(loss)
