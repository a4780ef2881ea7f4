/** JUnit Jupiter glue for the test kit; the rest of the kit does not need JUnit. */
package dev.idtoken.testkit.junit;
