/** The asyncio4j api: the cancellable future, connections, servers, options and exceptions. */
module io.asyncio4j.api {
    exports io.asyncio4j;
}
