package dev.looplab.platform.artifact;

import dev.looplab.platform.config.LooplabConfig;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MinioClient;
import io.minio.http.Method;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * Signs time-limited GET links to artifacts in the bucket, so files download straight from S3 and
 * the platform never streams them or hands out credentials.
 */
@ApplicationScoped
public class ArtifactLinks {
    private static final int MAX_EXPIRY_SECONDS = 7 * 24 * 3600;

    @Inject
    LooplabConfig config;

    private volatile MinioClient client;

    /** A link valid for {@code looplab.s3.download-url-expiry-seconds} to the object under {@code key}. */
    public URI presignedGet(String key) {
        int expiry = config.s3().downloadUrlExpirySeconds();
        if (expiry < 1 || expiry > MAX_EXPIRY_SECONDS) {
            throw new IllegalStateException("looplab.s3.download-url-expiry-seconds=" + expiry
                    + " is outside S3's limits: set 1 to " + MAX_EXPIRY_SECONDS + " (7 days)");
        }
        try {
            return URI.create(client().getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder()
                    .method(Method.GET)
                    .bucket(config.s3().bucket())
                    .object(key)
                    .expiry(expiry, TimeUnit.SECONDS)
                    .build()));
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign a download link for '" + key + "': " + e.getMessage(), e);
        }
    }

    /** Asks S3 whether the artifact bucket is there; what went wrong otherwise, in a sentence. */
    public java.util.Optional<String> bucketProblem() {
        try {
            boolean exists = client().bucketExists(io.minio.BucketExistsArgs.builder().bucket(config.s3().bucket())
                    .build());
            return exists ? java.util.Optional.empty()
                    : java.util.Optional.of("bucket " + config.s3().bucket() + " does not exist at "
                    + config.s3().endpoint().orElse("?"));
        } catch (Exception e) {
            return java.util.Optional.of("S3 at " + config.s3().endpoint().orElse("?") + " did not answer: "
                    + e.getMessage());
        }
    }

    /** Signing is local (no request to S3), so one client serves every link. */
    private MinioClient client() {
        MinioClient c = client;
        if (c == null) {
            LooplabConfig.S3 s3 = config.s3();
            if (s3.endpoint().isEmpty() || s3.accessKey().isEmpty() || s3.secretKey().isEmpty()) {
                throw new IllegalStateException("artifact downloads need the artifact store: set looplab.s3.endpoint,"
                        + " looplab.s3.access-key and looplab.s3.secret-key (LOOPLAB_S3_*)");
            }
            c = MinioClient.builder().endpoint(s3.endpoint().get())
                    .credentials(s3.accessKey().get(), s3.secretKey().get())
                    // a fixed region keeps signing offline: no location lookup
                    .region(s3.region())
                    .build();
            client = c;
        }
        return c;
    }
}
