package dev.looplab.proposer.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.looplab.events.Json;
import dev.looplab.events.OutcomeRecorded;
import dev.looplab.events.Proposal;
import dev.looplab.events.Topics;
import dev.looplab.proposer.llm.FakeModelServer;
import dev.looplab.proposer.messaging.ProposalPublisher;
import dev.looplab.proposer.platform.PlatformClient;
import dev.looplab.proposer.telemetry.ProposerMetrics;
import dev.looplab.trial.TrialStatus;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Campaigns through the whole proposer against real Kafka and a stand-in platform: started campaigns get proposals
 * from a team the meta agent allocates, paused and stopped ones get none, a resumed one continues, a restarted
 * proposer never proposes twice, campaigns share their slots, the knowledge summary is written, and the llm team's
 * proposals carry their model and tokens.
 */
@QuarkusTest
@QuarkusTestResource(ProposerServices.class)
class CampaignSupervisorTest {

    @Inject
    CampaignSupervisor supervisor;
    @Inject
    PlatformClient platformClient;
    @Inject
    ProposalPublisher publisher;
    @Inject
    ProposerMetrics metrics;

    FakePlatform platform = ProposerServices.platform;
    KafkaConsumer<String, String> proposals;
    final Map<String, List<Proposal>> seen = new java.util.HashMap<>();

    @BeforeEach
    void subscribe() {
        proposals = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, ProposerServices.kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer());
        proposals.subscribe(List.of(Topics.PROPOSALS));
    }

    @AfterEach
    void close() {
        proposals.close();
    }

    @Test
    void aCampaignIsProposedToWhileItRunsPausedResumedStoppedAndNeverTwiceAfterARestart() {
        String c = "life-" + UUID.randomUUID().toString().substring(0, 6);
        // given a running campaign of golf-mini with a scored baseline and three slots
        platform.open(c, "golf-mini", "specialists", 3);

        // when the proposer ticks
        assertThat(supervisor.tickAll()).containsEntry(c, TickResult.PROPOSED);

        // then three proposals fill the three slots, from three specialists on three surfaces (every one first
        // gets a turn), each keyed by the campaign and built on the best trial
        List<Proposal> first = awaitProposals(c, 3);
        assertThat(first).extracting(Proposal::specialist).doesNotHaveDuplicates();
        assertThat(first).extracting(Proposal::surface).doesNotHaveDuplicates();
        assertThat(first).allSatisfy(p -> assertThat(p.parentTrial()).isEqualTo("root-golf-mini"));
        assertThat(supervisor.pending(c)).hasSize(3);
        // and while they are pending, nothing more is proposed
        assertThat(supervisor.tickAll()).containsEntry(c, TickResult.BUSY);

        // when the platform accepts them and records one as discarded, and its outcome arrives
        List<String> trials = first.stream().map(platform::accept).toList();
        platform.record(c, trials.get(0), TrialStatus.discard, 3.95);
        publishOutcome(c, first.get(0).proposalId(), trials.get(0));

        // then the freed slot goes to a fourth specialist, and the knowledge summary is written
        await().atMost(Duration.ofSeconds(20)).until(() -> supervisor.tickAll().get(c) == TickResult.PROPOSED);
        List<Proposal> fourth = awaitProposals(c, 4);
        assertThat(new HashSet<>(fourth.stream().map(Proposal::specialist).toList())).hasSize(4);
        assertThat(supervisor.pending(c)).hasSize(1);
        assertThat(platform.knowledge(c)).startsWith("# Knowledge of campaign " + c + " (golf-mini)")
                .contains("## By surface");

        // when a researcher pauses it and a slot frees up, nothing is proposed
        platform.accept(fourth.get(3));
        platform.record(c, trials.get(1), TrialStatus.crash, null);
        platform.state(c, "paused");
        assertThat(supervisor.tickAll()).containsEntry(c, TickResult.PAUSED);

        // when it is resumed, the slot is filled again
        platform.state(c, "running");
        assertThat(supervisor.tickAll()).containsEntry(c, TickResult.PROPOSED);
        List<Proposal> fifth = awaitProposals(c, 5);
        Proposal unprocessed = fifth.get(4);

        // when the proposer restarts (a new driver over the same pending file) before the platform processed it
        CampaignDriver restarted = restartedDriver(c);
        assertThat(restarted.pending()).extracting(p -> p.proposal().proposalId())
                .containsExactly(unprocessed.proposalId());
        assertThat(restarted.tick()).isEqualTo(TickResult.BUSY);

        // then nothing is proposed twice; once the platform processed it, the restarted driver carries on
        platform.accept(unprocessed);
        platform.record(c, trials.get(2), TrialStatus.keep, 3.85);
        assertThat(restarted.tick()).isEqualTo(TickResult.PROPOSED);
        List<Proposal> all = awaitProposals(c, 6);
        assertThat(all).extracting(Proposal::proposalId).doesNotHaveDuplicates();
        assertThat(all.get(5).parentTrial()).isEqualTo(trials.get(2));
        assertThat(restarted.pending()).hasSize(1);

        // when the campaign is stopped, or its trial budget is spent, nothing more is proposed
        platform.remainingTrials(c, 1L);
        assertThat(restarted.tick()).isEqualTo(TickResult.BUDGET_SPENT);
        platform.state(c, "stopped");
        assertThat(restarted.tick()).isEqualTo(TickResult.STOPPED);
        assertThat(metrics.count("looplab.proposals.sent", "campaign", c)).isGreaterThanOrEqualTo(5);
        assertThat(metrics.count("looplab.meta.allocations", "campaign", c)).isGreaterThanOrEqualTo(5);
    }

    @Test
    void twoCampaignsShareTheProposerAndEachFillsItsOwnSlots() {
        String a = "share-a-" + UUID.randomUUID().toString().substring(0, 6);
        String b = "share-b-" + UUID.randomUUID().toString().substring(0, 6);
        platform.open(a, "golf-mini", "random", 1);
        platform.open(b, "airbench-mini", "generalist", 2);

        Map<String, TickResult> results = supervisor.tickAll();

        assertThat(results).containsEntry(a, TickResult.PROPOSED).containsEntry(b, TickResult.PROPOSED);
        assertThat(awaitProposals(a, 1)).singleElement().satisfies(p -> assertThat(p.specialist()).isEqualTo("random"));
        assertThat(awaitProposals(b, 2)).allSatisfy(p -> {
            assertThat(p.specialist()).isEqualTo("generalist");
            assertThat(p.task()).isEqualTo("airbench-mini");
        });
    }

    @Test
    void theLlmTeamsProposalsCarryTheirModelAndTokens() {
        // given a campaign of the llm team in which every surface but the optimizer has had its turn
        String c = "llm-" + UUID.randomUUID().toString().substring(0, 6);
        platform.open(c, "golf-mini", "llm", 1);
        for (String surface : List.of("architecture", "loop", "schedule", "data", "regularisation", "compression")) {
            platform.addRecorded(c, surface + "-llm", surface);
        }
        ProposerServices.model.reply(FakeModelServer.Reply.text("HYPOTHESIS: LR 1.1e-2 learns a little faster\n"
                + "EXPECTED_DELTA: -0.01\n```diff\n--- a/Recipe.java\n+++ b/Recipe.java\n@@ -72,1 +72,1 @@\n"
                + "-    static final float LR = 1e-2f; // @knob surface=optimizer range=[1e-4,3e-2]\n"
                + "+    static final float LR = 1.1e-2f; // @knob surface=optimizer range=[1e-4,3e-2]\n```\n"));

        // when the proposer ticks
        assertThat(supervisor.tickAll()).containsEntry(c, TickResult.PROPOSED);

        // then the optimizer's LLM specialist proposed with the model's name and tokens
        Proposal p = awaitProposals(c, 1).get(0);
        assertThat(p.specialist()).isEqualTo("optimizer-llm");
        assertThat(p.model()).isEqualTo("test-model");
        assertThat(p.tokensIn()).isEqualTo(1000);
        assertThat(p.tokensOut()).isEqualTo(200);
        assertThat(p.diff()).contains("+    static final float LR = 1.1e-2f;");
        // and the platform accepts it as a trial whose row keeps them
        String trial = platform.accept(p);
        assertThat(platform.rows(c)).filteredOn(r -> r.trial().equals(trial)).singleElement()
                .satisfies(r -> assertThat(r.model()).isEqualTo("test-model"));
    }

    private CampaignDriver restartedDriver(String campaign) {
        TeamFactory teams = new TeamFactory(java.util.Optional.empty(), null, null, metrics);
        return new CampaignDriver(campaign, platformClient, publisher, metrics, teams,
                new CampaignDriver.Settings(0, Duration.ofMinutes(5), 4, Duration.ofSeconds(30), 0.05),
                new PendingProposals(ProposerServices.home.resolve("proposer").resolve(campaign + ".pending.jsonl")),
                new SplittableRandom(99));
    }

    private List<Proposal> awaitProposals(String campaign, int count) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            proposals.poll(Duration.ofMillis(200)).forEach(r ->
                    seen.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(Json.read(r.value(), Proposal.class)));
            return seen.getOrDefault(campaign, List.of()).size() >= count;
        });
        assertThat(seen.get(campaign)).hasSize(count);
        return List.copyOf(seen.get(campaign));
    }

    private static void publishOutcome(String campaign, String proposalId, String trial) {
        OutcomeRecorded outcome = new OutcomeRecorded(OutcomeRecorded.SCHEMA, proposalId, trial, campaign, "golf-mini",
                "s", "root-golf-mini", TrialStatus.discard, 3.95, 0.05, 0.05, "root-golf-mini", 3.9, "worse",
                System.currentTimeMillis());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, ProposerServices.kafka.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.OUTCOMES, campaign, Json.write(outcome)));
            producer.flush();
        }
    }
}
