package io.asyncio4j.samples.chat;

import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.cli.ListenOptions;
import io.asyncio4j.samples.cli.ServerCommand;
import io.asyncio4j.samples.cli.ServerRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@code chat-server}: a telnet chat where each line goes to every other client. */
@Command(name = "chat-server", mixinStandardHelpOptions = true,
        description = "Chat server: a telnet chat; each line a client sends goes to every other client, prefixed"
                + " with the sender's address.")
public final class ChatServerCommand extends ServerCommand {

    @Mixin
    ListenOptions listen = new ListenOptions(8890);

    /** {@inheritDoc} On stop, every client is told and disconnected. */
    @Override
    protected int serve(PrintStream out, CompletableFuture<Void> stop) {
        ChatServer chat = ServerRunner.listen(listen,
                (host, port) -> ChatServer.start(EventLoop.defaultLoop(), host, port, out));
        return ServerRunner.serve(out, List.of(chat.server()), stop, chat::closeClients);
    }
}
