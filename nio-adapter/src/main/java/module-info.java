/** The asyncio4j api over NIO.2's AsynchronousSocketChannel: event loops, connections and servers. */
module io.asyncio4j.nio {
    requires transitive io.asyncio4j.api;
    requires transitive io.asyncio4j.combinators;
    requires org.slf4j;

    exports io.asyncio4j.nio;
}
