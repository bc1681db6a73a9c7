import { Module } from '@nestjs/common';
import { OwnerClient } from './owner-client';
import { PushController } from './push.controller';
import { PushRepository } from './push.repository';
import { PushService } from './push.service';

/** `POST /sync/push`: devices' queued mutations applied in order, once, through the owning services. */
@Module({
  controllers: [PushController],
  providers: [PushService, PushRepository, OwnerClient],
  exports: [PushService],
})
export class PushModule {}
