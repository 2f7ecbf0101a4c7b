package io.needlestack.core.quorum;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The acknowledgements of one replicated operation (a write waiting for W, a delete for D, a read
 * for R). Replicas answer from several threads, so the methods are synchronized; the first answer
 * of a replica counts and later ones are ignored.
 *
 * <p>The operation is {@link #isSatisfied() satisfied} once {@code needed} replicas succeeded and
 * stays so; it is {@link #isImpossible() impossible} once so many failed that the pending ones
 * cannot make up the difference, so the coordinator answers at once (503) instead of waiting for
 * a timeout. Failures marked retryable are the ones to put on the repair queue.
 */
public final class QuorumTracker {

    /** Where the operation stands. */
    public enum State {
        /** Neither satisfied nor impossible yet. */
        PENDING,
        /** At least {@code needed} replicas succeeded. */
        SATISFIED,
        /** Not enough replicas are left to succeed. */
        IMPOSSIBLE
    }

    private enum Answer { SUCCESS, RETRYABLE_FAILURE, FAILURE }

    private final List<String> replicas;
    private final int needed;
    private final Map<String, Answer> answers = new LinkedHashMap<>();
    private int successes;

    /**
     * @param replicas the node ids the operation was sent to (distinct)
     * @param needed   successes required, at least 1 (may exceed the replicas: then it is impossible at once)
     */
    public QuorumTracker(List<String> replicas, int needed) {
        if (needed < 1) {
            throw new IllegalArgumentException("a quorum needs at least 1 acknowledgement, not " + needed);
        }
        if (replicas.stream().distinct().count() != replicas.size()) {
            throw new IllegalArgumentException("replicas are listed twice: " + replicas);
        }
        this.replicas = List.copyOf(replicas);
        this.needed = needed;
    }

    /**
     * Records a success.
     *
     * @return true when the quorum is satisfied (now or before)
     * @throws IllegalArgumentException for a node the operation was not sent to
     */
    public synchronized boolean success(String node) {
        if (record(node, Answer.SUCCESS)) {
            successes++;
        }
        return isSatisfied();
    }

    /**
     * Records a failure.
     *
     * @param retryable true when the replica may take the operation later (timeout, refused
     *                  connection, 503): the coordinator queues it for repair
     * @return true when the quorum can no longer be reached
     * @throws IllegalArgumentException for a node the operation was not sent to
     */
    public synchronized boolean failure(String node, boolean retryable) {
        record(node, retryable ? Answer.RETRYABLE_FAILURE : Answer.FAILURE);
        return isImpossible();
    }

    private boolean record(String node, Answer answer) {
        if (!replicas.contains(node)) {
            throw new IllegalArgumentException("node " + node + " is not a replica of this operation: " + replicas);
        }
        return answers.putIfAbsent(node, answer) == null;
    }

    /** True once {@code needed} replicas succeeded. */
    public synchronized boolean isSatisfied() {
        return successes >= needed;
    }

    /** True when, even if every pending replica succeeded, the quorum would not be reached. */
    public synchronized boolean isImpossible() {
        return !isSatisfied() && successes + (replicas.size() - answers.size()) < needed;
    }

    /** True when the outcome is known (satisfied or impossible). */
    public synchronized boolean isDecided() {
        return state() != State.PENDING;
    }

    /** The current state. */
    public synchronized State state() {
        return isSatisfied() ? State.SATISFIED : isImpossible() ? State.IMPOSSIBLE : State.PENDING;
    }

    /** Replicas that have not answered, in the order given. */
    public synchronized List<String> pending() {
        return replicas.stream().filter(n -> !answers.containsKey(n)).toList();
    }

    /** Replicas that succeeded, in answer order. */
    public synchronized List<String> succeeded() {
        return with(Answer.SUCCESS);
    }

    /** Replicas that failed with a retryable failure: the ones to queue for repair. */
    public synchronized List<String> retryableFailures() {
        return with(Answer.RETRYABLE_FAILURE);
    }

    /** Replicas that failed for good. */
    public synchronized List<String> permanentFailures() {
        return with(Answer.FAILURE);
    }

    /** Successes required. */
    public int needed() {
        return needed;
    }

    /** The replicas the operation was sent to. */
    public List<String> replicas() {
        return replicas;
    }

    private List<String> with(Answer a) {
        List<String> out = new ArrayList<>();
        answers.forEach((n, v) -> {
            if (v == a) {
                out.add(n);
            }
        });
        return out;
    }

    @Override
    public synchronized String toString() {
        return "QuorumTracker{" + state() + ", " + successes + "/" + needed + " of " + replicas + ", answers=" + answers + "}";
    }
}
