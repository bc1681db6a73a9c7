// Integration tests talk to real Postgres, Redis and Kafka (consumer-group joins take seconds);
// jest ignores `testTimeout` inside a project's config, so the project sets it here.
jest.setTimeout(150_000);
