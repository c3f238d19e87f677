"""Cost Explorer SERVICE dimension values (real GetDimensionValues / GetCostAndUsage output).

Defined once here; the service models, the line-item readers, the reports and the samples
import them.
"""

CE_EKS = "Amazon Elastic Container Service for Kubernetes"
CE_EC2 = "Amazon Elastic Compute Cloud - Compute"
CE_EC2_OTHER = "EC2 - Other"
# EC2 as one service: the bill's name for it when its data has no usage types (a FOCUS export
# without AWS's x_ columns), which Cost Explorer's split into the two above needs
CE_EC2_WHOLE = "Amazon Elastic Compute Cloud"
# services Cost Explorer splits by usage type -> their parts, compared whole without usage types
SPLIT_SERVICES = {CE_EC2_WHOLE: (CE_EC2, CE_EC2_OTHER)}
CE_RDS = "Amazon Relational Database Service"
CE_ELASTICACHE = "Amazon ElastiCache"
CE_MSK = "Amazon Managed Streaming for Apache Kafka"
CE_S3 = "Amazon Simple Storage Service"
CE_CLOUDWATCH = "AmazonCloudWatch"
CE_ELB = "Amazon Elastic Load Balancing"
CE_CLOUDFRONT = "Amazon CloudFront"
CE_ROUTE53 = "Amazon Route 53"
CE_WAF = "AWS WAF"
CE_SECRETS = "AWS Secrets Manager"
CE_VPC = "Amazon Virtual Private Cloud"
CE_KMS = "AWS Key Management Service"
CE_ECR = "Amazon EC2 Container Registry (ECR)"
CE_XRAY = "AWS X-Ray"
# Data transfer out (product code AWSDataTransfer) under its CUR product name, as Cost Explorer
# may show it; the model, like older bills, has it under "EC2 - Other"
CE_DATA_TRANSFER = "AWS Data Transfer"
# a bill's name of a service -> the model's name of it, for usage the model prices
SERVICE_ALIASES = {CE_DATA_TRANSFER: CE_EC2_OTHER}
