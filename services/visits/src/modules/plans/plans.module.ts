import { Module } from '@nestjs/common';
import { SettingsModule } from '../settings/settings.module';
import { TemplatesModule } from '../templates/templates.module';
import { PlansController } from './plans.controller';
import { PlansRepository } from './plans.repository';
import { PlansService } from './plans.service';

/** Visit plan generation: planned tasks per customer cycle, set-based and idempotent. */
@Module({
  imports: [TemplatesModule, SettingsModule],
  controllers: [PlansController],
  providers: [PlansRepository, PlansService],
})
export class PlansModule {}
