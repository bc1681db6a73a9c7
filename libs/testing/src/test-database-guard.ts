// No @fieldforce imports here: jest loads the global setup without the path aliases.

/** Throws unless the database name marks it as a test database (contains `test`). */
export function assertTestDatabaseName(database: string): void {
  if (!/test/i.test(database)) {
    throw new Error(
      `refusing to run tests against database "${database}": its name does not mark it as a test database`,
    );
  }
}

/** The database named in a connection URL, checked to be a test database. */
export function testDatabaseFromUrl(url: string): string {
  const database = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  assertTestDatabaseName(database);
  return database;
}
