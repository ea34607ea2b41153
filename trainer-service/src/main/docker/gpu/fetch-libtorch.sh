#!/bin/sh
# Puts DJL's CUDA build of libtorch, and the matching DJL JNI library, where DJL 0.36 looks for them when no
# pytorch-native-* jar is on the class path and PYTORCH_FLAVOR names the flavour:
#   $CACHE/pytorch/<pytorch version>-<flavour>-<classifier>/   (libtorch.so, libtorch_cuda.so, ..., <djl>-libdjl_torch.so)
# DJL itself would download the same files at the first start; the GPU image does it once at build time so that
# the pod starts offline. Run by Dockerfile.gpu; trainer-service's GpuImageScriptsTest runs it against local files.
#
# Usage: fetch-libtorch.sh BASE_URL PYTORCH_VERSION FLAVOUR CLASSIFIER DJL_VERSION JNI_JAR CACHE
#   BASE_URL  where DJL publishes libtorch, https://publish.djl.ai/pytorch (any URL curl reads, file:// too)
#   JNI_JAR   the application's pytorch-jni jar (it carries jnilib/<classifier>/<flavour>/libdjl_torch.so)
set -eu
if [ $# -ne 7 ]; then
    sed -n '2,12p' "$0" >&2
    exit 2
fi
base=$1 version=$2 flavour=$3 classifier=$4 djl=$5 jni_jar=$6 cache=$7

# %XX escapes to bytes: the index lists file names URL-encoded, as DJL decodes them
url_decode() {
    awk 'BEGIN { for (i = 1; i < 256; i++) byte[sprintf("%02X", i)] = sprintf("%c", i) }
         { out = ""; s = $0
           while (match(s, /%[0-9A-Fa-f][0-9A-Fa-f]/)) {
               out = out substr(s, 1, RSTART - 1) byte[toupper(substr(s, RSTART + 1, 2))]; s = substr(s, RSTART + 3) }
           print out s }'
}

dir="$cache/pytorch/$version-$flavour-$classifier"
work="$cache/pytorch/.fetch-$version-$flavour"
rm -rf "$work"
mkdir -p "$work/lib"

index="$base/$version/files.txt"
curl -fsS -o "$work/files.txt" "$index" || { echo "fetch-libtorch: cannot read $index" >&2; exit 1; }
grep "^$flavour/$classifier/native/lib/.*\.gz\$" "$work/files.txt" > "$work/wanted" || {
    echo "fetch-libtorch: $index lists no $flavour build for $classifier; flavours listed:" \
        "$(cut -d/ -f1 "$work/files.txt" | sort -u | tr '\n' ' ')" >&2
    exit 1
}
while read -r path; do
    name=$(basename "$path" .gz | url_decode)
    curl -fsS "$base/$version/$path" | gunzip > "$work/lib/$name" || { echo "fetch-libtorch: cannot fetch $path" >&2; exit 1; }
done < "$work/wanted"

for required in libtorch.so libtorch_cuda.so; do
    [ -s "$work/lib/$required" ] || { echo "fetch-libtorch: $flavour/$classifier has no $required" >&2; exit 1; }
done
unzip -p "$jni_jar" "jnilib/$classifier/$flavour/libdjl_torch.so" > "$work/lib/$djl-libdjl_torch.so" 2>/dev/null \
    && [ -s "$work/lib/$djl-libdjl_torch.so" ] \
    || { echo "fetch-libtorch: $jni_jar has no jnilib/$classifier/$flavour/libdjl_torch.so" >&2; exit 1; }

rm -rf "$dir"
mv "$work/lib" "$dir"
rm -rf "$work"
echo "fetch-libtorch: $(ls "$dir" | wc -l) files in $dir"
