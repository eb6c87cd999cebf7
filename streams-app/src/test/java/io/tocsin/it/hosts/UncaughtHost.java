package io.tocsin.it.hosts;

/**
 * A host started with {@code -javaagent}: it installs its own default uncaught-exception handler after the agent did,
 * then a thread dies of an uncaught exception. Both the host's handler and the agent must see it.
 */
public final class UncaughtHost {

    public static void main(String[] args) throws Exception {
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> System.out.println("HOST_HANDLER_RAN " + e.getMessage()));
        Thread.sleep(1500);
        Thread worker = new Thread(() -> {
            throw new IllegalStateException("uncaught in a host thread");
        }, "worker");
        worker.start();
        worker.join();
        Thread.sleep(3000);
        System.out.println("HOST_DONE");
    }
}
