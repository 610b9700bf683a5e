package io.asyncio4j.samples.cli;

/**
 * A command could not do its work for a reason the user can fix (an address in use, a missing directory); the
 * message is the one line printed for it, after the command's name, and the cause is logged only at DEBUG.
 */
public final class CommandFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param line what was wrong, naming the address or path, in one line
     */
    public CommandFailure(String line) {
        super(line);
    }

    /**
     * @param line  what was wrong, naming the address or path, in one line
     * @param cause the failure behind it
     */
    public CommandFailure(String line, Throwable cause) {
        super(line, cause);
    }
}
