# Hostile recipe: asks for more memory than the sandbox allows in one allocation.
import os
big = bytearray(int(os.environ.get("HOG_MIB", "1024")) * 1024 * 1024)
print("allocated", len(big))
