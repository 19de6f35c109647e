package dev.vm2ami.priming;

import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * One handler's SnapStart priming, registered with CRaC's global context: {@code beforeCheckpoint}
 * runs the handler's step on a canned input with every AWS call answered inside the process
 * ({@link PrimingHttpClient}). A step that stops at such an answer has still loaded and run what a
 * first invocation would (Jackson, the domain code up to the call, the SDK's marshalling, signing
 * and error unmarshalling); what it throws is expected and logged, never thrown on, because a
 * failed priming must not fail the function's initialisation.
 *
 * <p>CRaC holds resources weakly: the handler keeps its primer in a field. On a JVM without CRaC
 * (tests, Lambda without SnapStart) registering does nothing and nothing is primed.
 */
public final class Primer implements Resource {
    private static final Logger LOG = LoggerFactory.getLogger(Primer.class);
    private static final ThreadLocal<int[]> ANSWERED = new ThreadLocal<>();

    /** What one priming did. */
    public record Outcome(String name, int awsCallsAnsweredLocally, Optional<Throwable> stoppedBy, long millis) {}

    /** A canned run of a handler's step: may throw, e.g. at the first AWS call answered locally. */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    private final String name;
    private final Step step;
    private volatile Optional<Outcome> last = Optional.empty();

    private Primer(String name, Step step) {
        this.name = name;
        this.step = step;
    }

    /** A primer for {@code name} (the handler), registered with CRaC's global context; keep it in a field. */
    public static Primer register(String name, Step step) {
        Primer primer = new Primer(name, step);
        Core.getGlobalContext().register(primer);
        return primer;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to renew: the SDK clients resolve credentials and open connections per request.
    }

    /** Runs the step once, AWS calls answered locally; what CRaC's beforeCheckpoint does. */
    public Outcome prime() {
        long started = System.nanoTime();
        int[] answered = {0};
        ANSWERED.set(answered);
        Optional<Throwable> stoppedBy = Optional.empty();
        try {
            step.run();
        } catch (Exception | LinkageError e) {
            stoppedBy = Optional.of(e);
        } finally {
            ANSWERED.remove();
        }
        Outcome outcome = new Outcome(name, answered[0], stoppedBy, (System.nanoTime() - started) / 1_000_000);
        last = Optional.of(outcome);
        LOG.info("primed {} in {} ms: {} AWS call(s) answered locally{}", name, outcome.millis(), answered[0],
                stoppedBy.map(e -> "; stopped by " + e).orElse(""));
        return outcome;
    }

    /** The last priming's outcome, if it ran. */
    public Optional<Outcome> lastOutcome() {
        return last;
    }

    public String name() {
        return name;
    }

    /** Whether this thread is running a priming: its AWS answers are canned, its failures expected. */
    public static boolean primingOnThisThread() {
        return ANSWERED.get() != null;
    }

    static void countAnswered() {
        int[] answered = ANSWERED.get();
        if (answered != null) answered[0]++;
    }
}
