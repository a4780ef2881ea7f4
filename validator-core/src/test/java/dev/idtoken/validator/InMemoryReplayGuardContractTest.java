package dev.idtoken.validator;

/** The replay contract on the in-memory guard; two "instances" share one guard, as in one process. */
class InMemoryReplayGuardContractTest extends ReplayGuardContract {
  private final InMemoryReplayGuard guard = InMemoryReplayGuard.create();

  @Override
  protected ReplayGuard guard() {
    return guard;
  }

  @Override
  protected ReplayGuard anotherInstanceSharingTheStore() {
    return guard;
  }
}
