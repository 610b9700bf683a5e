package io.asyncio4j.samples.monitor;

/**
 * The "10 million bottles of beer" job: a CPU-bound countdown whose progress other threads may read at any time.
 */
public final class Bottles {

    private final long total;
    private volatile long remaining;
    private double sink;

    /**
     * Creates the job.
     *
     * @param total how many bottles to drink, at least 0
     */
    public Bottles(long total) {
        if (total < 0) {
            throw new IllegalArgumentException("total < 0: " + total);
        }
        this.total = total;
        this.remaining = total;
    }

    /** @return how many bottles the job started with */
    public long total() {
        return total;
    }

    /** @return how many bottles are left; safe to call from any thread */
    public long remaining() {
        return remaining;
    }

    /**
     * Drinks every bottle on the calling thread ({@code drink_bottles()}); meant for a worker thread.
     *
     * @return the number of bottles drunk
     * @throws InterruptedException if the thread is interrupted (checked every 1024 bottles)
     */
    public long drinkBottles() throws InterruptedException {
        long left = remaining;
        while (left > 0) {
            sink += drinkBeer();
            remaining = --left;
            if ((left & 1023) == 0 && Thread.interrupted()) {
                throw new InterruptedException("stopped with " + left + " bottles left");
            }
        }
        return total;
    }

    /** One bottle: {@code remaining = 12.0; while remaining > 0: remaining -= 0.1}, about 120 float operations. */
    private static double drinkBeer() {
        double beer = 12.0;
        int sips = 0;
        while (beer > 0) {
            beer -= 0.1;
            sips++;
        }
        return beer + sips; // used, so the JIT cannot drop the loop
    }

    /** @return a value depending on every bottle, so that the work is observable (and not optimised away) */
    double sink() {
        return sink;
    }
}
