import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { AssignmentController } from './assignment.controller';
import { AssignmentService } from './assignment.service';

/** Assignment of customers to owners: manual bulk moves and the automatic strategies. */
@Module({
  imports: [CustomersModule],
  controllers: [AssignmentController],
  providers: [AssignmentService],
})
export class AssignmentModule {}
