// Placeholder until the test database and broker set-up land (libs/testing helper).
export default async function globalSetup(): Promise<void> {}
