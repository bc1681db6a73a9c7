import { Module } from '@nestjs/common';
import { SettingsModule } from '../settings/settings.module';
import { CoverageController } from './coverage-reports.controller';
import { CoverageRepository } from './coverage-reports.repository';
import { CoverageService } from './coverage-reports.service';

/** Coverage reports over tasks and check-ins, per rep and per org unit. */
@Module({
  imports: [SettingsModule],
  controllers: [CoverageController],
  providers: [CoverageRepository, CoverageService],
})
export class CoverageModule {}
