# Hostile recipe: writes a file larger than the sandbox's file size limit into its outputs.
set -e
head -c $((64 * 1024 * 1024)) /dev/zero > "$LOOPLAB_OUT/huge.bin"
echo "wrote huge.bin"
