package io.asyncio4j.samples.tour;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code tour [RECIPE]}: a walk through asyncio's basics (coroutines, callbacks, futures, tasks, waiting,
 * locks, queues, threads), one recipe per example. Without an argument it lists the recipes; {@code all} runs
 * every one.
 */
@Command(name = "tour", mixinStandardHelpOptions = true,
        description = "The asyncio primer, one recipe per example; without RECIPE, lists them.")
public final class TourCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "RECIPE", description = "A recipe's name, or 'all'.")
    String recipe;

    /** Where the output goes; standard output unless a test sets it. */
    PrintStream out = System.out;

    @Override
    public Integer call() {
        if (recipe == null) {
            int width = Recipes.all().stream().mapToInt(r -> r.name().length()).max().orElse(0);
            for (Recipes.Recipe r : Recipes.all()) {
                out.println(String.format("%-" + width + "s  %s", r.name(), r.description()));
            }
            out.flush();
            return 0;
        }
        if (recipe.equals("all")) {
            for (Recipes.Recipe r : Recipes.all()) {
                out.println("== " + r.name());
                r.run(out);
            }
            return 0;
        }
        Optional<Recipes.Recipe> found = Recipes.named(recipe);
        if (found.isEmpty()) {
            System.err.println("tour: no recipe named '" + recipe + "'; run 'tour' for the list");
            return 2;
        }
        found.get().run(out);
        return 0;
    }
}
