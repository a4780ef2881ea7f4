/** An application as a user would write it: it names the published modules, nothing else. */
module dev.idtoken.it.modulepath {
  requires dev.idtoken.jwks;
  requires dev.idtoken.testkit;
  requires dev.idtoken.micrometer;
}
