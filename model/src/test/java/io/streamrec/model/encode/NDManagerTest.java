package io.streamrec.model.encode;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** A test with a fresh NDManager per test method, closed after it, and PyTorch on one thread. */
public abstract class NDManagerTest {

    protected NDManager manager;

    @BeforeAll
    static void oneTorchThread() {
        EncoderFixtures.useOneTorchThread();
    }

    @BeforeEach
    void openManager() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }
}
