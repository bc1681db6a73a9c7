import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CustomersModule } from '../customers/customers.module';
import { AssignmentController } from './assignment.controller';
import { AssignmentService } from './assignment.service';
import { RepHomeBase } from './entities/rep-home-base.entity';
import { TerritoriesModule } from '../territories/territories.module';

/** Assignment of customers to owners: manual bulk moves and the automatic strategies. */
@Module({
  imports: [TypeOrmModule.forFeature([RepHomeBase]), CustomersModule, TerritoriesModule],
  controllers: [AssignmentController],
  providers: [AssignmentService],
})
export class AssignmentModule {}
