import { Module } from '@nestjs/common';
import { SettingsController } from './settings.controller';
import { TenantSettingsRepository } from './tenant-settings.repository';

/** Per-tenant visit settings (the time zone plans are counted in). */
@Module({
  controllers: [SettingsController],
  providers: [TenantSettingsRepository],
  exports: [TenantSettingsRepository],
})
export class SettingsModule {}
