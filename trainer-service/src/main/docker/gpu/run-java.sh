#!/bin/sh
# The GPU image's entrypoint (its CUDA base image has no run-java.sh): the image's JVM options (JAVA_OPTS), then the
# deployer's (JAVA_OPTS_APPEND, from the trainer-config ConfigMap: heap share, libtorch threads), later ones winning.
# Without them the JVM would take a quarter of the pod's memory for its heap.
# shellcheck disable=SC2086 # the options are lists of words
exec java ${JAVA_OPTS:-} ${JAVA_OPTS_APPEND:-} -jar /deployments/quarkus-run.jar "$@"
