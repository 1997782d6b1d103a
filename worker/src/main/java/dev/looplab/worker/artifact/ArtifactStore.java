package dev.looplab.worker.artifact;

import dev.looplab.events.ArtifactRef;
import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.UploadObjectArgs;
import io.minio.errors.ErrorResponseException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Stores trial files in an S3 bucket content-addressed under {@code sha256/<hex>}, so a file
 * that several trials produce is stored once and its key proves its content.
 */
public final class ArtifactStore implements ArtifactSink {
    /** Codes S3 servers answer for a missing object (a HEAD has no body, so SDKs synthesise one). */
    private static final Set<String> MISSING = Set.of("NoSuchKey", "NoSuchObject", "ResourceNotFound");

    /** S3's smallest part (the last part may be smaller). */
    public static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    /** S3's largest part. */
    public static final long MAX_PART_SIZE = 5L * 1024 * 1024 * 1024;
    public static final long DEFAULT_PART_SIZE = 16L * 1024 * 1024;

    private final MinioClient client;
    private final String bucket;
    private final long partSize;

    public ArtifactStore(MinioClient client, String bucket) {
        this(client, bucket, DEFAULT_PART_SIZE);
    }

    /** A store that uploads files larger than {@code partSize} bytes in parts of that size (multipart upload). */
    public ArtifactStore(MinioClient client, String bucket, long partSize) {
        if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
            throw new IllegalArgumentException("artifact part size " + partSize + " bytes is outside S3's limits"
                    + " [5 MiB, 5 GiB]: set looplab.s3.part-size-mib between 5 and 5120");
        }
        this.client = client;
        this.bucket = bucket;
        this.partSize = partSize;
    }

    public static ArtifactStore connect(String endpoint, String accessKey, String secretKey, String region, String bucket) {
        return connect(endpoint, accessKey, secretKey, region, bucket, DEFAULT_PART_SIZE);
    }

    public static ArtifactStore connect(String endpoint, String accessKey, String secretKey, String region, String bucket,
                                        long partSize) {
        MinioClient client = MinioClient.builder()
                .endpoint(endpoint)
                .credentials(accessKey, secretKey)
                // a fixed region spares a location lookup that S3-compatible servers answer differently
                .region(region)
                .build();
        return new ArtifactStore(client, bucket, partSize);
    }

    public long partSize() {
        return partSize;
    }

    public String bucket() {
        return bucket;
    }

    /** Creates the bucket when it does not exist yet. */
    public void ensureBucket() {
        try {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            }
        } catch (Exception e) {
            throw new ArtifactStoreException("cannot create or reach bucket '" + bucket
                    + "': check looplab.s3.endpoint and the credentials", e);
        }
    }

    /** Whether the bucket answers; what went wrong otherwise, in a sentence. */
    public java.util.Optional<String> bucketProblem() {
        try {
            return client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()) ? java.util.Optional.empty()
                    : java.util.Optional.of("bucket '" + bucket + "' does not exist");
        } catch (Exception e) {
            return java.util.Optional.of("S3 did not answer for bucket '" + bucket + "': " + e.getMessage());
        }
    }

    /** The key a file with this digest is stored under. */
    public static String keyOf(String sha256) {
        return "sha256/" + sha256;
    }

    /** Uploads {@code file} unless an object of the same content already exists; returns its reference. */
    @Override
    public ArtifactRef put(String name, Path file) {
        try {
            String sha = Sha256.of(file);
            long size = Files.size(file);
            String key = keyOf(sha);
            Long stored = storedSize(key);
            // the same key with another size would be a damaged upload: replace it
            if (stored == null || stored != size) {
                client.uploadObject(UploadObjectArgs.builder()
                        .bucket(bucket)
                        .object(key)
                        // larger files go up in parts of this size: one lost part is retried, not the file
                        .filename(file.toString(), partSize)
                        .contentType("application/octet-stream")
                        .build());
            }
            return new ArtifactRef(name, key, size, sha);
        } catch (IOException e) {
            throw new ArtifactStoreException("cannot read artifact " + file + ": " + e.getMessage(), e);
        } catch (ArtifactStoreException e) {
            throw e;
        } catch (Exception e) {
            throw new ArtifactStoreException("cannot upload artifact '" + name + "' to bucket '" + bucket + "': "
                    + e.getMessage(), e);
        }
    }

    /** The size of the stored object, or null when there is none. */
    public Long storedSize(String key) {
        try {
            StatObjectResponse stat = client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
            return stat.size();
        } catch (ErrorResponseException e) {
            if (MISSING.contains(e.errorResponse().code())) {
                return null;
            }
            throw new ArtifactStoreException("cannot stat '" + key + "' in bucket '" + bucket + "': " + e.getMessage(), e);
        } catch (Exception e) {
            throw new ArtifactStoreException("cannot stat '" + key + "' in bucket '" + bucket + "': " + e.getMessage(), e);
        }
    }

    /** An artifact could not be read or stored. */
    public static final class ArtifactStoreException extends RuntimeException {
        ArtifactStoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
