package dev.idtoken.micrometer;

/** Meter and tag names, in one place so that the documentation and the tests agree. */
final class MetricNames {
  static final String FETCHES = "idtoken.jwks.fetches";
  static final String KEY_CHANGES = "idtoken.jwks.key.changes";
  static final String STALE_SERVED = "idtoken.jwks.stale.served";
  static final String REFRESH_RATE_LIMITED = "idtoken.jwks.refresh.rate.limited";
  static final String UNKNOWN_KID_REJECTED = "idtoken.jwks.unknown.kid.rejections";
  static final String DISCOVERIES = "idtoken.jwks.discoveries";

  static final String KEYS = "idtoken.jwks.keys";
  static final String KEY_AGE = "idtoken.jwks.key.age";
  static final String CONSECUTIVE_FAILURES = "idtoken.jwks.consecutive.failures";
  static final String STATUS = "idtoken.jwks.status";

  static final String VALIDATIONS = "idtoken.validations";

  static final String ISSUER = "issuer";
  static final String OUTCOME = "outcome";
  static final String CHANGE = "change";
  static final String STATUS_TAG = "status";
  static final String RESULT = "result";
  static final String CODE = "code";

  /** The issuer tag of a validation whose issuer is not (or not yet) known to be a configured one. */
  static final String UNKNOWN_ISSUER = "unknown";
  /** The code tag of a valid token. */
  static final String NO_CODE = "none";

  private MetricNames() {}
}
