package dev.looplab.evaluation.airbench;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import dev.looplab.evaluation.scoring.DataSplit;

/**
 * Fashion-MNIST as Debian's dataset-fashion-mnist ships it: the 60,000 training images go to the
 * recipe as one file (the IDX3 images file then the IDX1 labels file, uncompressed); the 10,000 t10k
 * images stay with the evaluator.
 */
public final class FashionMnist implements DataSplit {
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final int SIDE = 28;
    public static final int PIXELS = SIDE * SIDE;
    public static final int CLASSES = 10;
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    private final byte[] trainFile;
    private final byte[] testPixels;
    private final byte[] testLabels;
    private final String trainSha256;
    private final String heldOutSha256;

    private FashionMnist(byte[] trainFile, byte[] testPixels, byte[] testLabels) {
        this.trainFile = trainFile;
        this.testPixels = testPixels;
        this.testLabels = testLabels;
        this.trainSha256 = sha256(trainFile);
        this.heldOutSha256 = sha256(concat(testPixels, testLabels));
    }

    /** Reads {@link #DEBIAN_DIR}. */
    public static FashionMnist fromDebianDataset() {
        return fromDir(DEBIAN_DIR);
    }

    /** Reads {@code {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz} from {@code dir}; fails naming the package. */
    public static FashionMnist fromDir(Path dir) {
        try {
            byte[] trainImages = gunzip(file(dir, "train-images-idx3-ubyte.gz"));
            byte[] trainLabels = gunzip(file(dir, "train-labels-idx1-ubyte.gz"));
            Idx train = Idx.parse(trainImages, trainLabels, "train");
            Idx test = Idx.parse(gunzip(file(dir, "t10k-images-idx3-ubyte.gz")),
                    gunzip(file(dir, "t10k-labels-idx1-ubyte.gz")), "t10k");
            if (train.count() != 60_000 || test.count() != 10_000) {
                throw new IllegalStateException(dir + " holds " + train.count() + " training and " + test.count()
                        + " test images, not Fashion-MNIST's 60,000 and 10,000: reinstall dataset-fashion-mnist");
            }
            return new FashionMnist(concat(trainImages, trainLabels), test.pixels(), test.labels());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Fashion-MNIST from " + dir, e);
        }
    }

    /** The held-out images, {@code count() * 784} unsigned pixel bytes row-major. */
    public byte[] testPixels() {
        return testPixels;
    }

    /** The held-out labels 0..9. */
    public byte[] testLabels() {
        return testLabels;
    }

    public int testCount() {
        return testLabels.length;
    }

    @Override
    public long trainBytes() {
        return trainFile.length;
    }

    /** Writes the recipe's training file; returns its sha256. */
    @Override
    public String writeTraining(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (OutputStream out = Files.newOutputStream(file)) {
                out.write(trainFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return trainSha256;
    }

    @Override
    public String trainSha256() {
        return trainSha256;
    }

    @Override
    public String heldOutSha256() {
        return heldOutSha256;
    }

    private static Path file(Path dir, String name) {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " does not exist: install Debian package dataset-fashion-mnist "
                    + "(apt-get install dataset-fashion-mnist)");
        }
        return file;
    }

    private static byte[] gunzip(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
            return in.readAllBytes();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(a.length + b.length);
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }

    static String sha256(byte[] bytes) {
        return DataSplit.sha256(bytes);
    }

    /** One split's pixels and labels, checked against the IDX headers. */
    record Idx(byte[] pixels, byte[] labels, int count) {
        static Idx parse(byte[] images, byte[] labels, String split) throws IOException {
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(images));
            if (in.readInt() != IMAGES_MAGIC) {
                throw new IOException(split + " images do not start with the IDX3 magic 0x00000803");
            }
            int count = in.readInt();
            if (in.readInt() != SIDE || in.readInt() != SIDE || images.length != 16 + count * PIXELS) {
                throw new IOException(split + " images are not " + count + " images of 28x28");
            }
            DataInputStream lin = new DataInputStream(new java.io.ByteArrayInputStream(labels));
            if (lin.readInt() != LABELS_MAGIC || lin.readInt() != count || labels.length != 8 + count) {
                throw new IOException(split + " labels do not match " + count + " images");
            }
            return new Idx(java.util.Arrays.copyOfRange(images, 16, images.length),
                    java.util.Arrays.copyOfRange(labels, 8, labels.length), count);
        }
    }
}
