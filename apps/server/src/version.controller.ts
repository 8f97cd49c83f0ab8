import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Public } from '@rapidrtmp/server-access';
import { AppConfig } from '@rapidrtmp/server-config';
import { readBuildInfo } from './build-info.js';

export class VersionDto {
  @ApiProperty({ example: 'rapidrtmp' })
  name!: string;

  @ApiProperty({ example: '0.1.0' })
  version!: string;

  @ApiProperty({ example: 'v24.11.0', description: 'Node.js runtime version' })
  runtime!: string;

  @ApiProperty({ example: 'rapidrtmp-7c9f6d-abcde', description: 'This node (NODE_ID)' })
  nodeId!: string;

  @ApiProperty({ example: 'embedded', enum: ['embedded', 'postgres'] })
  database!: 'embedded' | 'postgres';
}

@ApiTags('system')
@Controller('api/v1/version')
export class VersionController {
  private readonly build = readBuildInfo();

  constructor(private readonly config: AppConfig) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Server name and version', operationId: 'getVersion' })
  @ApiOkResponse({ type: VersionDto })
  get(): VersionDto {
    return {
      ...this.build,
      runtime: process.version,
      nodeId: this.config.nodeId,
      database: this.config.embeddedDatabase ? 'embedded' : 'postgres',
    };
  }
}
