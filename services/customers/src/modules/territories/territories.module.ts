import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CustomersModule } from '../customers/customers.module';
import { OrgUnit } from './entities/org-unit.entity';
import { Territory } from './entities/territory.entity';
import { TerritoriesController } from './territories.controller';
import { TerritoriesService } from './territories.service';
import { TerritoryPathsSubscriber } from './territory-paths.subscriber';

/** Territories and the org units they may name. */
@Module({
  imports: [TypeOrmModule.forFeature([Territory, OrgUnit]), CustomersModule],
  controllers: [TerritoriesController],
  providers: [TerritoriesService, TerritoryPathsSubscriber],
  exports: [TerritoriesService, TypeOrmModule],
})
export class TerritoriesModule {}
