import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DirectoryUser } from './entities/directory-user.entity';
import { UsersReadModel } from './users-read-model';

/** The tenant users this service knows of (read model of the permissions service's user events). */
@Module({
  imports: [TypeOrmModule.forFeature([DirectoryUser])],
  providers: [UsersReadModel],
  exports: [UsersReadModel],
})
export class UsersModule {}
