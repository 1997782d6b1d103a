# Hostile recipe: stays under the per-process data limit but holds more resident memory across children.
import os, time
for _ in range(int(os.environ["CHILDREN"])):
    if os.fork() == 0:
        block = bytearray(int(os.environ["CHILD_MIB"]) * 1024 * 1024)
        for i in range(0, len(block), 4096):
            block[i] = 1
        time.sleep(600)
        os._exit(0)
time.sleep(600)
