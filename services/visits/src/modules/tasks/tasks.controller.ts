import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import { AccessPolicy, type AuthenticatedUser, CurrentPolicy, CurrentUser, RequireAction } from '@fieldforce/auth';
import { ifMatchVersion, entityTag } from '@fieldforce/platform';
import { CancelTaskDto, CreateTaskDto, DispatchTaskDto, ListTasksQuery, UpdateTaskDto, type VisitTask } from './dto/task.dto';
import { type TaskPage } from './tasks.repository';
import { TasksService } from './tasks.service';

@ApiTags('visit-tasks')
@ApiBearerAuth()
@Controller('api/v1/visit-tasks')
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Post()
  @HttpCode(201)
  @RequireAction('task:create')
  async create(@CurrentUser() user: AuthenticatedUser, @Body() body: CreateTaskDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<VisitTask> {
    const task = await this.tasks.create(user, body);
    void reply.header('etag', entityTag(task.version)).header('location', `/api/v1/visit-tasks/${task.id}`);
    return task;
  }

  @Get()
  @RequireAction('task:read')
  async list(@CurrentUser() user: AuthenticatedUser, @Query() query: ListTasksQuery): Promise<TaskPage> {
    return this.tasks.list(user, query);
  }

  @Get(':id')
  @RequireAction('task:read')
  async get(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<VisitTask> {
    const task = await this.tasks.get(user, id);
    void reply.header('etag', entityTag(task.version));
    return task;
  }

  @Patch(':id')
  @RequireAction('task:update')
  @ApiHeader({ name: 'If-Match', required: false, description: 'The ETag of the version this write replaces' })
  async update(
    @CurrentUser() user: AuthenticatedUser,
    @CurrentPolicy() policy: AccessPolicy,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateTaskDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<VisitTask> {
    const task = await this.tasks.update(user, policy, id, body, ifMatchVersion(ifMatch));
    void reply.header('etag', entityTag(task.version));
    return task;
  }

  @Post(':id/dispatch')
  @HttpCode(200)
  @RequireAction('task:dispatch')
  async dispatch(@CurrentUser() user: AuthenticatedUser, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: DispatchTaskDto): Promise<VisitTask> {
    return this.tasks.transition(user, id, 'dispatch', { assigneeId: body.assigneeId });
  }

  @Post(':id/start')
  @HttpCode(200)
  @RequireAction('task:update')
  async start(@CurrentUser() user: AuthenticatedUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<VisitTask> {
    return this.tasks.transition(user, id, 'start');
  }

  @Post(':id/complete')
  @HttpCode(200)
  @RequireAction('task:update')
  async complete(@CurrentUser() user: AuthenticatedUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<VisitTask> {
    return this.tasks.transition(user, id, 'complete');
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @RequireAction('task:cancel')
  async cancel(@CurrentUser() user: AuthenticatedUser, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: CancelTaskDto): Promise<VisitTask> {
    return this.tasks.transition(user, id, 'cancel', { reason: body.reason });
  }
}
