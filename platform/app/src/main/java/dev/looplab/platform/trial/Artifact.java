package dev.looplab.platform.trial;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.util.Objects;

/** One stored file of a trial: the object key in the artifact bucket, its size and sha256. */
@Entity
@Table(name = "artifact")
@IdClass(Artifact.Key.class)
public class Artifact {
    @Id
    @Column(name = "trial_id")
    public String trialId;
    @Id
    public String name;
    @Column(name = "object_key")
    public String objectKey;
    @Column(name = "size_bytes")
    public long sizeBytes;
    public String sha256;

    /** The row of a file a worker reported for the trial. */
    public static Artifact of(String trialId, dev.looplab.events.ArtifactRef ref) {
        Artifact artifact = new Artifact();
        artifact.trialId = trialId;
        artifact.name = ref.name();
        artifact.objectKey = ref.key();
        artifact.sizeBytes = ref.sizeBytes();
        artifact.sha256 = ref.sha256();
        return artifact;
    }

    /** Composite key (trial, file name). */
    public static class Key implements Serializable {
        public String trialId;
        public String name;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(trialId, k.trialId) && Objects.equals(name, k.name);
        }

        @Override
        public int hashCode() {
            return Objects.hash(trialId, name);
        }
    }
}
