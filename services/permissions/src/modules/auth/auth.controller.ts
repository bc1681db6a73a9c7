import { Body, Controller, Get, HttpCode, Ip, Post, UseInterceptors } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AllowTotpEnrolment, Authenticated, CurrentCaller } from '../access/access.decorators';
import { type Caller } from '../access/caller';
import { UserResponse } from '../users/dto/user.response';
import { AuthService } from './auth.service';
import {
  LoginDto,
  LoginResponse,
  MeResponse,
  RefreshDto,
  TokensResponse,
  TotpSetupResponse,
  TotpVerifyDto,
} from './dto/auth.dto';
import { RetryAfterInterceptor } from './retry-after.interceptor';

@ApiTags('auth')
@Controller('api/v1')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('auth/login')
  @HttpCode(200)
  @UseInterceptors(RetryAfterInterceptor)
  @ApiOkResponse({ type: LoginResponse })
  @ApiUnauthorizedResponse({ description: 'Wrong tenant, username or password, inactive user (one answer for all); TOTP missing or wrong' })
  @ApiTooManyRequestsResponse({ description: 'Too many failed logins for the username (locked) or from the IP; see Retry-After' })
  login(@Body() body: LoginDto, @Ip() ip: string): Promise<LoginResponse> {
    return this.auth.login(body, ip);
  }

  @Post('auth/refresh')
  @HttpCode(200)
  @ApiOkResponse({ type: TokensResponse, description: 'New tokens; the refresh token sent is spent' })
  @ApiUnauthorizedResponse({ description: 'Unknown, expired, revoked or reused refresh token (reuse revokes the session)' })
  refresh(@Body() body: RefreshDto): Promise<TokensResponse> {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('auth/logout')
  @HttpCode(204)
  @ApiNoContentResponse({ description: "The refresh token's session has ended (also when it was unknown)" })
  logout(@Body() body: RefreshDto): Promise<void> {
    return this.auth.logout(body.refreshToken);
  }

  @Post('auth/totp/setup')
  @HttpCode(200)
  @Authenticated()
  @AllowTotpEnrolment()
  @ApiOkResponse({ type: TotpSetupResponse })
  totpSetup(@CurrentCaller() caller: Caller): Promise<TotpSetupResponse> {
    return this.auth.totpSetup(caller);
  }

  @Post('auth/totp/verify')
  @HttpCode(200)
  @Authenticated()
  @AllowTotpEnrolment()
  @ApiOkResponse({ type: UserResponse, description: 'TOTP enabled; log in again (with a code) for an unrestricted token' })
  totpVerify(@CurrentCaller() caller: Caller, @Body() body: TotpVerifyDto): Promise<UserResponse> {
    return this.auth.totpVerify(caller, body.code);
  }

  @Get('me')
  @Authenticated()
  @AllowTotpEnrolment()
  @ApiOkResponse({ type: MeResponse })
  me(@CurrentCaller() caller: Caller): Promise<MeResponse> {
    return this.auth.me(caller);
  }
}
