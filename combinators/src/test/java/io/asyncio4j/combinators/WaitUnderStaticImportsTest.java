package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.asyncio4j.combinators.Async.gather;
import static io.asyncio4j.combinators.Async.shield;
import static io.asyncio4j.combinators.Outcomes.value;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documented way to call {@code Async.wait} where the other combinators are imported statically: qualified, as
 * Python calls {@code asyncio.wait}. A plain {@code wait(...)} inside a class means {@code Object.wait} and does
 * not compile, so this file is the check that the qualified form does.
 */
class WaitUnderStaticImportsTest {

    @Test
    void waitCalledQualifiedWorksBesideStaticallyImportedCombinators() {
        AsyncFuture<String> a = new AsyncFuture<>();
        AsyncFuture<String> b = shield(new AsyncFuture<>());
        AsyncFuture<WaitResult<AsyncFuture<String>>> first = Async.wait(List.of(a, b), ReturnWhen.FIRST_COMPLETED);
        AsyncFuture<List<String>> both = gather(List.of(a, b));

        a.complete("a");

        assertThat(value(first).done()).containsExactly(a);
        assertThat(both).isNotDone();
    }
}
