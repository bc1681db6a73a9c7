import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { type UserState } from '@fieldforce/contracts';
import { OwnerMovesSubscriber } from '../../src/modules/customers/owner-moves.subscriber';

/**
 * Tells the service about users as their user events would, through the same handler the
 * consumer runs (without the broker round trip, which users-read-model.int-spec covers).
 */
export async function seedUsers(app: NestFastifyApplication, users: readonly UserState[]): Promise<void> {
  const subscriber = app.get(OwnerMovesSubscriber);
  await app.get(DataSource).transaction(async (manager) => {
    for (const user of users) await subscriber.apply(manager, user);
  });
}
