package dev.idtoken.spring.it;

import java.util.stream.Collectors;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** What the application sees of the caller, one fact per line. */
@RestController
class MeController {

  @GetMapping("/me")
  String me(Authentication authentication, @AuthenticationPrincipal Jwt jwt) {
    return "name=" + authentication.getName() + "\n"
        + "authorities=" + authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority)
            .sorted().collect(Collectors.joining(",")) + "\n"
        + "alg=" + jwt.getHeaders().get("alg") + "\n"
        + "kid=" + jwt.getHeaders().get("kid") + "\n"
        + "exp=" + jwt.getClaims().get("exp").getClass().getSimpleName() + "\n"
        + "expiresAt=" + jwt.getExpiresAt() + "\n"
        + "iss=" + jwt.getClaimAsString("iss") + "\n";
  }

  @GetMapping("/public/ping")
  String ping() {
    return "pong";
  }
}
