package dev.looplab.proposer.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The proposer's {@code looplab_*} metrics (served at {@code /q/metrics}): proposals sent by campaign, specialist and
 * surface; meta allocations; LLM calls by result and tokens; outcomes read and dead letters; the outcome consumer's
 * lag.
 */
public class ProposerMetrics {
    private final MeterRegistry registry;
    private final AtomicLong outcomeLag = new AtomicLong();

    public ProposerMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("looplab.proposer.outcomes.lag", outcomeLag, AtomicLong::get)
                .description("records of looplab.outcomes not yet read by the proposer").register(registry);
    }

    /** Metrics nobody serves (tests, tools). */
    public static ProposerMetrics standalone() {
        return new ProposerMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void proposalSent(String campaign, String specialist, String surface) {
        Counter.builder("looplab.proposals.sent").description("proposals published on looplab.proposals")
                .tag("campaign", campaign).tag("specialist", specialist).tag("surface", surface)
                .register(registry).increment();
    }

    public void allocation(String campaign, String specialist) {
        Counter.builder("looplab.meta.allocations").description("slots the meta agent gave each specialist")
                .tag("campaign", campaign).tag("specialist", specialist).register(registry).increment();
    }

    /** One call to a language model: {@code result} is ok, error, timeout, over_budget, refused or invalid. */
    public void llmCall(String model, String result, long tokensIn, long tokensOut) {
        Counter.builder("looplab.llm.calls").description("calls to the configured language model")
                .tag("model", model).tag("result", result).register(registry).increment();
        Counter.builder("looplab.llm.tokens").tag("model", model).tag("direction", "in").register(registry)
                .increment(tokensIn);
        Counter.builder("looplab.llm.tokens").tag("model", model).tag("direction", "out").register(registry)
                .increment(tokensOut);
    }

    /** An LLM specialist's slot taken by its surface's built-in specialist. */
    public void llmFallback(String surface, String why) {
        Counter.builder("looplab.llm.fallbacks").tag("surface", surface).tag("why", why).register(registry).increment();
    }

    public void outcomeRead(String status) {
        Counter.builder("looplab.proposer.outcomes.read").tag("status", status).register(registry).increment();
    }

    /** A record of {@code topic} set aside on looplab.dead-letters; {@code kind} says why in a word. */
    public void deadLetter(String topic, String kind) {
        // the same name as the platform's and the worker's, so looplab status adds them up
        Counter.builder("looplab.dead.letters").description("records set aside on looplab.dead-letters")
                .tag("topic", topic).tag("consumer", "proposer-agents").tag("kind", kind).register(registry)
                .increment();
    }

    public void outcomeLag(long lag) {
        outcomeLag.set(lag);
    }

    /** The sum of the counters called {@code name} with {@code tags} (key, value, ...), for tests and tools. */
    public double count(String name, String... tags) {
        return registry.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
    }
}
