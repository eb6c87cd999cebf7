package io.tocsin.agent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar producer-agent.jar send|…}. */
@Command(name = "producer-agent.jar", mixinStandardHelpOptions = true, version = "Tocsin agent 0.1.0",
        description = "Tocsin producer agent: library, -javaagent and command line.",
        subcommands = {SendCommand.class, ProbeCommand.class})
public final class AgentCli {

    public static void main(String[] args) {
        // the command line is our own process: silence the bundled (relocated) SLF4J's "no provider" notice. Never
        // done for the library or -javaagent, where the property would reach the host's own SLF4J.
        System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
        System.setProperty("slf4j.internal.verbosity", "WARN");
        System.exit(new CommandLine(new AgentCli()).execute(args));
    }
}
