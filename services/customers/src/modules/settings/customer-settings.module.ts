import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { CustomerSettingsController } from './customer-settings.controller';
import { CustomerSettingsService } from './customer-settings.service';
import { CustomerSettings } from './entities/customer-settings.entity';

/** Per-tenant customer settings: grades, custom field definitions, sync conflict policy. */
@Module({
  imports: [TypeOrmModule.forFeature([CustomerSettings]), IdempotencyModule],
  controllers: [CustomerSettingsController],
  providers: [CustomerSettingsService],
  exports: [CustomerSettingsService],
})
export class CustomerSettingsModule {}
