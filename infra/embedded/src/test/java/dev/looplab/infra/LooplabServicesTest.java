package dev.looplab.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;

import io.minio.BucketExistsArgs;
import io.minio.MinioClient;

class LooplabServicesTest {

    @Test
    void forTestsStartsAllThreeEmbeddedWithTopicsAndBucketAndStopLeavesNothing() throws Exception {
        // given the test set of services
        LooplabServices services = LooplabServices.forTests();
        System.out.println("LooplabServices.forTests start (parallel, topics and bucket included): "
                + services.startupTime().toMillis() + " ms");
        ServiceEndpoints endpoints = services.endpoints();
        List<Path> dirs = List.of(services.embeddedPostgres().directory(), services.embeddedKafka().directory(),
                services.embeddedS3().directory());
        List<ProcessHandle> children = List.of(services.embeddedKafka().process(), services.embeddedS3().process());
        long postmaster = services.embeddedPostgres().postmasterPid().orElseThrow();
        try {
            // then PostgreSQL answers on the looplab database
            try (Connection c = DriverManager.getConnection(endpoints.jdbcUrl(), endpoints.dbUser(), endpoints.dbPassword());
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_database()")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("looplab");
            }
            // and the four topics exist with three partitions each
            try (Admin admin = KafkaTopics.admin(endpoints.kafkaBootstrap())) {
                Map<String, TopicDescription> topics = admin.describeTopics(LooplabServices.TOPICS).allTopicNames().get();
                assertThat(topics).hasSize(5).containsKey("looplab.dead-letters");
                // the run topic has more partitions than workers, so fair dispatch can reach every worker
                assertThat(topics.values()).allSatisfy(t -> assertThat(t.partitions()).hasSize(
                        t.name().equals("looplab.runs") ? LooplabServices.RUN_TOPIC_PARTITIONS
                                : LooplabServices.TOPIC_PARTITIONS));
                assertThat(topics.get("looplab.runs").partitions()).hasSize(12);
            }
            // and the artifact bucket exists
            MinioClient client = MinioClient.builder().endpoint(endpoints.s3Endpoint()).region(EmbeddedS3.REGION)
                    .credentials(endpoints.s3AccessKey(), endpoints.s3SecretKey()).build();
            assertThat(client.bucketExists(BucketExistsArgs.builder().bucket("looplab-artifacts").build())).isTrue();
            // and the Quarkus view names the same endpoints
            assertThat(endpoints.asQuarkusConfig())
                    .containsEntry("quarkus.datasource.jdbc.url", endpoints.jdbcUrl())
                    .containsEntry("kafka.bootstrap.servers", endpoints.kafkaBootstrap())
                    .containsEntry("looplab.s3.bucket", "looplab-artifacts");

            // when a second set is configured with all three as external services
            try (LooplabServices external = LooplabServices.start(ServicesConfig.from(endpoints.asEnvironment()))) {
                // then nothing new is started and the endpoints are passed through
                assertThat(external.embeddedPostgres()).isNull();
                assertThat(external.embeddedKafka()).isNull();
                assertThat(external.embeddedS3()).isNull();
                assertThat(external.endpoints()).isEqualTo(endpoints);
            }
        } finally {
            services.close();
        }

        // then no server process and no temp dir is left
        assertThat(children).noneMatch(ProcessHandle::isAlive);
        assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(ChildProcesses.alive("looplab")).isEmpty();
        assertThat(dirs).noneMatch(Files::exists);
    }
}
