package dev.idtoken.interop;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;

/** A real OpenID provider a test started, with its clients and a test user. */
interface RealProvider extends AutoCloseable {
  /** A short name for tables and logs. */
  String name();

  /** The issuer identifier, exactly as the provider writes it in {@code iss}. */
  String issuer();

  /** Its clients, one per ID token signing algorithm it is set up for. */
  List<Browser.Client> clients();

  /** The form fields that log the test user in. */
  Map<String, String> credentials();

  /** Runs the authorization code flow with PKCE and a nonce for {@code client} in a fresh browser. */
  default Browser.Tokens login(Browser.Client client) throws IOException {
    Browser browser = new Browser();
    JsonNode discovery = browser.getJson(URI.create(issuer() + "/.well-known/openid-configuration"));
    return browser.login(discovery, client, credentials());
  }

  /** Stops the provider (by PID); never throws. */
  @Override
  void close();
}
