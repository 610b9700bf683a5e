package io.asyncio4j.samples.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * How every command reports a failure: one line on standard error, {@code COMMAND: what was wrong}, and exit
 * status 1 when the run failed (an address in use, a missing directory) or 2 when the command line is wrong
 * whatever machine runs it (an unknown option, a port above 65535), picocli's convention. A usage error adds the
 * command's usage line; stack traces are logged at DEBUG only ({@code ASYNCIO4J_LOG=debug}).
 *
 * <pre>{@code
 * new CommandLine(new Main())
 *         .setExecutionExceptionHandler(new OneLineErrors())
 *         .setParameterExceptionHandler(new OneLineErrors())
 *         .execute(args);
 * }</pre>
 */
public final class OneLineErrors implements IExecutionExceptionHandler, IParameterExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(OneLineErrors.class);

    /** Exit status of a run that failed. */
    public static final int FAILED = 1;

    /** Exit status of a wrong command line. */
    public static final int USAGE = 2;

    /**
     * Prints the failure of a command's run in one line.
     *
     * @param e       what the command threw
     * @param command the command that threw it
     * @param parsed  the parsed command line
     * @return {@link #FAILED}
     */
    @Override
    public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
        log.debug("{} failed", command.getCommandName(), e);
        Throwable failure = unwrap(e);
        String line = failure instanceof CommandFailure ? failure.getMessage()
                : describe(failure) + " (ASYNCIO4J_LOG=debug shows where)";
        PrintWriter err = command.getErr();
        err.println(command.getCommandName() + ": " + line);
        err.flush();
        return FAILED;
    }

    /**
     * Prints what is wrong with the command line in one line, then the command's usage line.
     *
     * @param e    what picocli (or a command's own check) found wrong
     * @param args the command line
     * @return {@link #USAGE}
     */
    @Override
    public int handleParseException(ParameterException e, String[] args) {
        log.debug("bad command line", e);
        CommandLine command = e.getCommandLine();
        StringBuilder line = new StringBuilder(command.getCommandName()).append(": ")
                .append(decapitalize(e.getMessage()));
        if (e instanceof UnmatchedArgumentException unmatched) {
            List<String> suggestions = unmatched.getSuggestions();
            if (!suggestions.isEmpty()) {
                line.append(" (did you mean ").append(String.join(" or ", suggestions)).append("?)");
            }
        }
        PrintWriter err = command.getErr();
        err.println(line);
        err.println("Usage: " + new CommandLine.Help(command.getCommandSpec()).abbreviatedSynopsis().strip()
                + " (" + command.getCommandSpec().qualifiedName() + " --help for more)");
        err.flush();
        return USAGE;
    }

    /**
     * Strips the wrappers futures put around a failure.
     *
     * @param e a failure, perhaps seen through {@code join()} or {@code get()}
     * @return the innermost cause under {@link CompletionException}s and {@link ExecutionException}s
     */
    static Throwable unwrap(Throwable e) {
        Throwable failure = e;
        while ((failure instanceof CompletionException || failure instanceof ExecutionException)
                && failure.getCause() != null) {
            failure = failure.getCause();
        }
        return failure;
    }

    /**
     * Says what a failure is in a few words.
     *
     * @param failure the failure
     * @return its message, or its class's simple name if it has none
     */
    static String describe(Throwable failure) {
        String message = failure.getMessage();
        return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
    }

    private static String decapitalize(String message) {
        boolean word = message.length() > 1 && Character.isUpperCase(message.charAt(0))
                && Character.isLowerCase(message.charAt(1));
        return word ? Character.toLowerCase(message.charAt(0)) + message.substring(1) : message;
    }
}
