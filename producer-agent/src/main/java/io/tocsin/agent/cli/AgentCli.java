package io.tocsin.agent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar producer-agent.jar send|…}. */
@Command(name = "producer-agent.jar", mixinStandardHelpOptions = true, version = "Tocsin agent 0.1.0",
        description = "Tocsin producer agent: library, -javaagent and command line.",
        subcommands = {SendCommand.class, ProbeCommand.class})
public final class AgentCli {

    public static void main(String[] args) {
        System.exit(new CommandLine(new AgentCli()).execute(args));
    }
}
