package io.sslstream.augmenter.augment;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The built-in recipes and their definitions (version 1 of each; version 2 of simclr and byol). The service builds them from configuration
 * ({@code ssl.augmenter.recipes.*}), whose defaults are these (a test checks that the two agree).
 *
 * <table>
 *   <caption>Recipes</caption>
 *   <tr><th>name</th><th>views</th></tr>
 *   <tr><td>{@value #SIMCLR}</td><td>2 alike views: crop 0.5-1, flip, brightness/contrast 0.4 (p 0.8); version 2
 *       (fixed-point resize) by default, version 1 (float32 resize) still available</td></tr>
 *   <tr><td>{@value #BYOL}</td><td>2 views: crop 0.08-1, flip, jitter 0.4/0.4/0.2/0.1 (p 0.8), grayscale 0.2;
 *       blur p 1.0 and 0.1, solarize p 0.0 and 0.2; version 2 (fixed-point blur) by default, version 1 (float32 blur) still
 *       available</td></tr>
 *   <tr><td>{@value #MULTICROP}</td><td>2 global crops at the input size (scale 0.4-1) and 4 local crops at 3/7 of
 *       it (scale 0.05-0.4), flip, jitter, grayscale</td></tr>
 *   <tr><td>{@value #MAE}</td><td>1 view (crop 0.2-1, flip) and a patch mask: patch 4, 75% of patches</td></tr>
 *   <tr><td>{@value #WINDOWING}</td><td>2 alike views of medical images: window level/width jitter (p 0.8, centre
 *       &plusmn;0.1 width, width x0.6-1.6), crop 0.4-1, flip</td></tr>
 * </table>
 */
public final class Recipes {

    public static final String SIMCLR = "simclr";
    public static final String BYOL = "byol";
    public static final String MULTICROP = "multicrop";
    public static final String MAE = "mae";
    public static final String WINDOWING = "windowing";
    /** Every built-in recipe name. */
    public static final Set<String> NAMES = Set.of(SIMCLR, BYOL, MULTICROP, MAE, WINDOWING);

    /** torchvision's default aspect ratio range of {@code RandomResizedCrop}. */
    public static final double RATIO_MIN = 3.0 / 4.0;
    public static final double RATIO_MAX = 4.0 / 3.0;
    /** DINO's local crop side relative to the global one (96 / 224): 12 pixels for 28-pixel inputs. */
    public static final double LOCAL_FRACTION = 3.0 / 7.0;

    private static final RandomResizedCrop.Interpolation FIXED = RandomResizedCrop.Interpolation.FIXED_POINT;

    private Recipes() {
    }

    /** SimCLR: two views of one spec. */
    public static MultiViewRecipe simclr(int version, ViewSpec view) {
        return new MultiViewRecipe(SIMCLR, version, List.of(view, view), null);
    }

    /** BYOL: two asymmetric views (they differ in blur and solarize probabilities). */
    public static MultiViewRecipe byol(int version, ViewSpec view1, ViewSpec view2) {
        return new MultiViewRecipe(BYOL, version, List.of(view1, view2), null);
    }

    /** Multi-crop (SwAV, DINO): {@code globals} views of one spec, then {@code locals} of another. */
    public static MultiViewRecipe multicrop(int version, int globals, ViewSpec global, int locals, ViewSpec local) {
        if (globals < 1 || locals < 0 || globals + locals > 255) {
            throw new IllegalArgumentException("multicrop: needs 1 or more global crops, 0 or more local ones, 255 views in all; got "
                    + globals + " + " + locals);
        }
        List<ViewSpec> views = new ArrayList<>();
        for (int i = 0; i < globals; i++) {
            views.add(global);
        }
        for (int i = 0; i < locals; i++) {
            views.add(local);
        }
        return new MultiViewRecipe(MULTICROP, version, views, null);
    }

    /** MAE: one view and a patch mask. */
    public static MultiViewRecipe mae(int version, ViewSpec view, PatchMasking.Spec mask) {
        return new MultiViewRecipe(MAE, version, List.of(view), mask);
    }

    /** Windowing: two views alike, each through its own jittered window (medical images). */
    public static MultiViewRecipe windowing(int version, ViewSpec view, Windowing.Spec window) {
        return new MultiViewRecipe(WINDOWING, version, List.of(view, view), null, window);
    }

    /**
     * Version 1 of {@value #WINDOWING}: per view a window jitter (p 0.8: centre moved by up to 0.1 of the width, width
     * scaled by 0.6 to 1.6, log-uniform), then crop 0.4-1 (most of the anatomy stays in view) and flip 0.5; no colour
     * jitter, which the window replaces (brightness and contrast in the modality's own units).
     */
    public static MultiViewRecipe windowingV1() {
        ViewSpec view = new ViewSpec(ViewSpec.Size.INPUT, FIXED, new ViewSpec.Crop(0.4, 1.0, RATIO_MIN, RATIO_MAX), 0.5,
                ColorJitter.Strength.NONE, 0, ViewSpec.Blur.NONE, ViewSpec.Solarization.NONE);
        return windowing(1, view, new Windowing.Spec(0.8, 0.1, 0.6, 1.6));
    }

    /** SimCLR's crop, flip and brightness/contrast jitter (version 2: fixed-point resize). */
    public static ViewSpec simclrView() {
        return new ViewSpec(ViewSpec.Size.INPUT, FIXED, new ViewSpec.Crop(0.5, 1.0, RATIO_MIN, RATIO_MAX), 0.5,
                new ColorJitter.Strength(0.8, 0.4, 0.4, 0, 0), 0, ViewSpec.Blur.NONE, ViewSpec.Solarization.NONE);
    }

    /** BYOL's view, blur and solarization probabilities aside (BYOL paper, table 6), with the given blur arithmetic. */
    public static ViewSpec byolView(GaussianBlur.Arithmetic blur) {
        return new ViewSpec(ViewSpec.Size.INPUT, FIXED, new ViewSpec.Crop(0.08, 1.0, RATIO_MIN, RATIO_MAX), 0.5,
                new ColorJitter.Strength(0.8, 0.4, 0.4, 0.2, 0.1), 0.2,
                new ViewSpec.Blur(0, 0.1, 2.0, 0, blur), new ViewSpec.Solarization(0, Solarize.DEFAULT_THRESHOLD));
    }

    /**
     * Version 1 of {@value #SIMCLR}, as the walking skeleton published it: version 2's parameters with PyTorch's
     * float32 resize. Its output is pinned by a test; {@code ssl.augmenter.recipes.simclr.version=1} with
     * {@code interpolation=float32} still makes it.
     */
    public static MultiViewRecipe simclrV1() {
        return simclr(1, simclrView().withInterpolation(RandomResizedCrop.Interpolation.FLOAT32));
    }

    /**
     * Version 2 of {@value #SIMCLR}, the default: version 1 with the fixed-point resize, within one gray level of
     * version 1 and a little faster on the resize (about 1.2x at 96x96 RGB). Its output is pinned by a test.
     */
    public static MultiViewRecipe simclrV2() {
        return simclr(2, simclrView());
    }

    /**
     * Version 1 of {@value #BYOL}: view 1 always blurred, never solarized; view 2 blurred 10%, solarized 20%; the blur in
     * float32, as torchvision. Its output is pinned by a test; {@code ssl.augmenter.recipes.byol.version=1} with
     * {@code blur-arithmetic=float32} still makes it.
     */
    public static MultiViewRecipe byolV1() {
        return byol(1, byolView(GaussianBlur.Arithmetic.FLOAT32));
    }

    /**
     * Version 2 of {@value #BYOL}, the default: version 1 with the fixed-point blur, whose output is within one level of
     * version 1's blur (a solarization after it can turn a value on the threshold into its inverse) and which is about
     * three times as fast at 224x224. Its output is pinned by a test.
     */
    public static MultiViewRecipe byolV2() {
        return byol(2, byolView(GaussianBlur.Arithmetic.FIXED_POINT));
    }

    /** BYOL's asymmetric pair of one view: view 1 always blurred, never solarized; view 2 blurred 10%, solarized 20%. */
    public static MultiViewRecipe byol(int version, ViewSpec view) {
        return byol(version, view.withBlurAndSolarize(1.0, 0.0), view.withBlurAndSolarize(0.1, 0.2));
    }

    /** Version 1 of {@value #MULTICROP}: 2 global crops at the input size, 4 local ones at 3/7 of it. */
    public static MultiViewRecipe multicropV1() {
        ColorJitter.Strength jitter = new ColorJitter.Strength(0.8, 0.4, 0.4, 0.2, 0.1);
        ViewSpec global = new ViewSpec(ViewSpec.Size.INPUT, FIXED, new ViewSpec.Crop(0.4, 1.0, RATIO_MIN, RATIO_MAX), 0.5, jitter, 0.2,
                ViewSpec.Blur.NONE, ViewSpec.Solarization.NONE);
        ViewSpec local = new ViewSpec(ViewSpec.Size.relative(LOCAL_FRACTION), FIXED, new ViewSpec.Crop(0.05, 0.4, RATIO_MIN, RATIO_MAX),
                0.5, jitter, 0.2, ViewSpec.Blur.NONE, ViewSpec.Solarization.NONE);
        return multicrop(1, 2, global, 4, local);
    }

    /** Version 1 of {@value #MAE}: crop 0.2-1 and flip (the MAE paper's), patch 4, mask ratio 0.75. */
    public static MultiViewRecipe maeV1() {
        ViewSpec view = new ViewSpec(ViewSpec.Size.INPUT, FIXED, new ViewSpec.Crop(0.2, 1.0, RATIO_MIN, RATIO_MAX), 0.5,
                ColorJitter.Strength.NONE, 0, ViewSpec.Blur.NONE, ViewSpec.Solarization.NONE);
        return mae(1, view, new PatchMasking.Spec(4, 0.75));
    }
}
