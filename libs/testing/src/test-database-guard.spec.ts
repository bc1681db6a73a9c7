import { assertTestDatabaseName, testDatabaseFromUrl } from './test-database-guard';

describe(assertTestDatabaseName.name, () => {
  it('accepts names that mark a test database', () => {
    expect(() => assertTestDatabaseName('fieldforce_test_1732000000000_42')).not.toThrow();
    expect(() => assertTestDatabaseName('ci_TEST')).not.toThrow();
  });

  it('refuses any other database, such as the development or production one', () => {
    expect(() => assertTestDatabaseName('fieldforce')).toThrow(/refusing to run tests against database "fieldforce"/);
    expect(() => testDatabaseFromUrl('postgres://postgres:pw@db:5432/fieldforce')).toThrow(/refusing/);
  });

  it('reads the database name from a URL', () => {
    expect(testDatabaseFromUrl('postgres://u:p@h:5432/fieldforce_test_1_2?sslmode=disable')).toBe('fieldforce_test_1_2');
  });
});
