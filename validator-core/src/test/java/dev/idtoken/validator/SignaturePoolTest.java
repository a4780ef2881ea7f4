package dev.idtoken.validator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.testkit.TestIssuer;
import dev.idtoken.testkit.TestKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Reused verifiers must give exactly the answers fresh ones would, whatever came before. */
class SignaturePoolTest {
  private record Signed(JwsAlgorithm alg, TestKey key, VerificationKey verificationKey, String token) {
    int inputEnd() {
      return token.lastIndexOf('.');
    }

    byte[] bytes() {
      return token.getBytes(StandardCharsets.US_ASCII);
    }

    byte[] signature() {
      return Base64Url.decode(bytes(), inputEnd() + 1, token.length());
    }

    boolean verify() {
      return Signatures.JDK.verify(alg, verificationKey, bytes(), inputEnd(), signature());
    }
  }

  private static Signed signed(JwsAlgorithm alg, TestKey key) {
    TestIssuer issuer = Fixtures.issuer().useSigningKey(key);
    return new Signed(alg, key, VerificationKey.of(null, key.publicKey()),
        issuer.token().algorithm(alg.jwsName()).sign());
  }

  @Test
  void verify_afterVerifierThrew_stillCorrect() {
    Signed good = signed(JwsAlgorithm.RS256, TestKey.rsa(2048));
    for (int i = 0; i < 3; i++) {
      // A signature of the wrong length makes the JDK's RSA throw before it resets its digest.
      assertFalse(Signatures.JDK.verify(JwsAlgorithm.RS256, good.verificationKey(), good.bytes(),
          good.inputEnd(), Arrays.copyOf(good.signature(), 100)));
      assertTrue(good.verify());
    }
  }

  @Test
  void verify_alternatingKeysAndAlgorithms_eachCorrect() {
    TestKey rsa1 = TestKey.rsa(2048);
    TestKey rsa2 = TestKey.rsa(2048);
    List<Signed> all = List.of(signed(JwsAlgorithm.RS256, rsa1), signed(JwsAlgorithm.RS256, rsa2),
        signed(JwsAlgorithm.PS256, rsa1), signed(JwsAlgorithm.PS384, rsa2),
        signed(JwsAlgorithm.ES256, TestKey.ec("P-256")), signed(JwsAlgorithm.EDDSA, TestKey.ed25519()));
    for (int round = 0; round < 3; round++) {
      for (Signed s : all) {
        assertTrue(s.verify(), s.alg() + " round " + round);
        // The other key of the same type must fail, and must not disturb the next check.
        TestKey other = s.key() == rsa1 ? rsa2 : s.key() == rsa2 ? rsa1 : null;
        if (other != null) {
          assertFalse(Signatures.JDK.verify(s.alg(), VerificationKey.of(null, other.publicKey()), s.bytes(),
              s.inputEnd(), s.signature()));
        }
      }
    }
  }

  @Test
  void verify_signingInputChanged_falseAndNextStillCorrect() {
    Signed s = signed(JwsAlgorithm.RS256, TestKey.rsa(2048));
    byte[] altered = s.bytes();
    altered[s.token().indexOf('.') + 5] ^= 1;
    assertFalse(Signatures.JDK.verify(s.alg(), s.verificationKey(), altered, s.inputEnd(), s.signature()));
    assertTrue(s.verify());
  }

  @Test
  void verify_manyThreadsManyKeys_allCorrect() throws Exception {
    List<Signed> all = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      all.add(signed(JwsAlgorithm.RS256, TestKey.rsa(2048)));
      all.add(signed(JwsAlgorithm.ES256, TestKey.ec("P-256")));
    }
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int offset = t;
        results.add(pool.submit(() -> {
          start.await();
          int wrong = 0;
          for (int i = 0; i < 40; i++) {
            Signed s = all.get((i + offset) % all.size());
            Signed other = all.get((i + offset + 2) % all.size());
            if (!s.verify()) {
              wrong++;
            }
            if (Signatures.JDK.verify(s.alg(), other.verificationKey(), s.bytes(), s.inputEnd(), s.signature())) {
              wrong++;
            }
          }
          return wrong;
        }));
      }
      start.countDown();
      for (Future<Integer> f : results) {
        assertEquals(0, f.get(60, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Threads whose ids fall on the same slot still reuse verifiers: with no more threads than slots
   * and no failed verification, the pool never makes more verifiers than threads run at once. The
   * threads' ids are all equal modulo 64, so they would share one slot if slots were picked by id
   * alone (as before the pool probed other slots, when each colliding thread made one per token).
   */
  @Test
  void verify_threadsWithCollidingIds_makeNoMoreVerifiersThanThreads() throws Exception {
    Signed s = signed(JwsAlgorithm.ES256, TestKey.ec("P-256"));
    SignaturePool pool = new SignaturePool("SHA256withECDSAinP1363Format", null, null);
    int count = Math.min(4, SignaturePool.slotCount());
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger wrong = new AtomicInteger();
    Runnable work = () -> {
      try {
        start.await();
        for (int i = 0; i < 100; i++) {
          if (!pool.verify(s.key().publicKey(), s.bytes(), s.inputEnd(), s.signature())) {
            wrong.incrementAndGet();
          }
        }
      } catch (Exception e) {
        wrong.incrementAndGet();
      }
    };
    List<Thread> threads = new ArrayList<>();
    long residue = -1;
    while (threads.size() < count) {
      Thread t = new Thread(work); // never started unless its id fits
      if (residue < 0) {
        residue = t.getId() % 64;
      }
      if (t.getId() % 64 == residue) {
        threads.add(t);
      }
    }
    threads.forEach(Thread::start);
    start.countDown();
    for (Thread t : threads) {
      t.join(60_000);
    }
    assertEquals(0, wrong.get());
    assertTrue(pool.created() <= count, "verifiers made: " + pool.created());
  }
}
