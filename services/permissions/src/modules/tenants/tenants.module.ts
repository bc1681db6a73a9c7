import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrgUnitsModule } from '../org-units/org-units.module';
import { RolesModule } from '../roles/roles.module';
import { UsersModule } from '../users/users.module';
import { Tenant } from './entities/tenant.entity';
import { TenantsService } from './tenants.service';

/** Tenant creation; reached through the CLI (tenant:create, the dev seed), not over HTTP. */
@Module({
  imports: [TypeOrmModule.forFeature([Tenant]), RolesModule, OrgUnitsModule, UsersModule],
  providers: [TenantsService],
  exports: [TenantsService],
})
export class TenantsModule {}
