import { createHash } from 'node:crypto';
import { DefaultNamingStrategy, type NamingStrategyInterface, type Table, type View } from 'typeorm';

const POSTGRES_MAX_IDENTIFIER = 63;

/** `visitTask` → `visit_task`, `HTTPServer` → `http_server`, `line2` → `line2`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[\s.-]+/g, '_')
    .toLowerCase();
}

/**
 * snake_case tables and columns, and constraint names in Postgres's own style
 * (`visit_task_pkey`, `visit_task_tenant_id_idx`), so hand-written migrations match the entities.
 */
export class SnakeNamingStrategy extends DefaultNamingStrategy implements NamingStrategyInterface {
  override tableName(targetName: string, userSpecifiedName: string | undefined): string {
    return userSpecifiedName ?? snakeCase(targetName);
  }

  override columnName(propertyName: string, customName: string | undefined, embeddedPrefixes: string[]): string {
    const prefix = embeddedPrefixes.length > 0 ? `${snakeCase(embeddedPrefixes.join('_'))}_` : '';
    return prefix + (customName ?? snakeCase(propertyName));
  }

  override relationName(propertyName: string): string {
    return snakeCase(propertyName);
  }

  override joinColumnName(relationName: string, referencedColumnName: string): string {
    return snakeCase(`${relationName}_${referencedColumnName}`);
  }

  override joinTableName(first: string, second: string, firstProperty: string, _secondProperty: string): string {
    return snakeCase(`${first}_${firstProperty.replace(/\./g, '_')}_${second}`);
  }

  override joinTableColumnName(tableName: string, propertyName: string, columnName?: string): string {
    return snakeCase(`${tableName}_${columnName ?? propertyName}`);
  }

  override primaryKeyName(table: Table | string): string {
    return constraintName(this.getTableName(table), [], 'pkey');
  }

  override uniqueConstraintName(table: Table | string, columnNames: string[]): string {
    return constraintName(this.getTableName(table), columnNames, 'key');
  }

  override foreignKeyName(table: Table | string, columnNames: string[]): string {
    return constraintName(this.getTableName(table), columnNames, 'fkey');
  }

  override indexName(table: Table | View | string, columnNames: string[], where?: string): string {
    // Two partial indexes on the same columns differ only by their predicate.
    const suffix = where ? `${shortHash(where)}_idx` : 'idx';
    return constraintName(this.getTableName(table as Table | string), columnNames, suffix);
  }
}

function constraintName(table: string, columnNames: string[], suffix: string): string {
  const name = [table, ...columnNames, suffix].join('_');
  if (name.length <= POSTGRES_MAX_IDENTIFIER) return name;
  // Postgres would silently truncate, and TypeORM would then see a different name than it expects.
  const hash = shortHash(name);
  return `${name.slice(0, POSTGRES_MAX_IDENTIFIER - hash.length - suffix.length - 2)}_${hash}_${suffix}`;
}

function shortHash(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 8);
}
