"""Hand-written vocabulary for the demo generator: topics, names, templates, publishers.

Everything here was written for Tidings (no pasted text). Generic filler words come from
jieba's dictionary instead (tidings.demo.lexicon); this module holds what gives an article its
subject — the per-topic keywords — and the sentence shapes the words are poured into.

Template slots (filled by tidings.demo.text):
    {k} {k2} {k3}  distinct keywords of the article's topic ({K}: capitalised, English)
    {topic}        the topic's name
    {n} {vn} {v} {a} {d}  generic noun / verbal noun / verb / adjective / adverb (jieba, Chinese)
    {noun} {adj} {verb} {adv} {group}  generic English words
    {place} {person} {role}  a city, a person's name, a job title
    {num} {big} {pct} {month} {monthname} {year}  numbers and dates (month names in English)
A digit after a slot name asks for another, different value of the same kind ({n2}, {group2}).
English verbs that follow a keyword agree with it: "{k} [has|have]" picks the singular or plural form.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    """One subject within a channel; articles on it share its keywords (and a tag with its name)."""

    name: str
    name_en: str
    keywords: tuple[str, ...]
    keywords_en: tuple[str, ...]


def _t(name: str, name_en: str, keywords: str, keywords_en: str) -> Topic:
    return Topic(name, name_en, tuple(keywords.split()), tuple(k.strip() for k in keywords_en.split(",")))


# Channel slug → its topics. The slugs are those of channels/migrations/0002_default_channels.py.
TOPICS: dict[str, tuple[Topic, ...]] = {
    "news": (
        _t(
            "城市更新",
            "urban renewal",
            "老旧小区 城市更新 加装电梯 街区改造 社区食堂 口袋公园 停车位 居民议事会 管网改造 历史街区 "
            "慢行系统 便民服务 物业管理 城中村 一刻钟生活圈",
            "urban renewal, old neighbourhoods, elevator retrofits, pocket parks, community canteens, street redesign",
        ),
        _t(
            "防汛救灾",
            "flood relief",
            "防汛 暴雨 汛期 水位 堤防 应急响应 转移安置 抢险队伍 气象预警 山洪 水库 排涝 救援物资 灾后重建 巡堤查险",
            "flood control, heavy rain, water levels, evacuation, emergency response, levees, relief supplies",
        ),
        _t(
            "气候变化",
            "climate change",
            "气候变化 碳排放 碳中和 高温天气 极端天气 减排目标 可再生能源 联合国气候大会 冰川 海平面 绿色转型 "
            "植树造林 碳市场 气候适应",
            "climate change, emissions, heat waves, renewable energy, carbon market, glaciers, sea levels",
        ),
        _t(
            "乡村振兴",
            "rural revitalisation",
            "乡村振兴 特色产业 农产品 电商直播 返乡青年 合作社 高标准农田 乡村旅游 村集体 种粮大户 冷链物流 "
            "民宿 驻村干部 农技推广",
            "rural revitalisation, farm produce, cooperatives, live-stream sales, returning youth, rural tourism",
        ),
        _t(
            "公共卫生",
            "public health",
            "公共卫生 疫苗接种 流感 基层医疗 家庭医生 医保 慢性病 体检 发热门诊 健康科普 社区卫生服务中心 "
            "分级诊疗 健康档案",
            "public health, vaccination, flu season, primary care, family doctors, health insurance, check-ups",
        ),
    ),
    "sports": (
        _t(
            "足球联赛",
            "football league",
            "中超 联赛 主场 客场 进球 射门 门将 前锋 积分榜 转会窗口 主教练 球迷 点球 绝杀 后防线 青训 赛季 保级",
            "football league, home game, goals, goalkeeper, striker, league table, transfer window, fans",
        ),
        _t(
            "马拉松",
            "marathon",
            "马拉松 半程马拉松 跑者 配速 补给站 起跑线 完赛奖牌 赛道 关门时间 跑团 中签率 心率 体能储备 "
            "赛事组委会 个人最好成绩",
            "marathon, runners, pace, water stations, finish line, course, medals, personal best",
        ),
        _t(
            "乒乓球",
            "table tennis",
            "乒乓球 国乒 世乒赛 混双 正手 反手 发球 削球 球台 胶皮 大满贯 直拍 横拍 决胜局 接发球",
            "table tennis, forehand, backhand, serve, mixed doubles, deciding game, world championships",
        ),
        _t(
            "篮球",
            "basketball",
            "篮球 CBA 季后赛 三分球 篮板 助攻 控球后卫 内线 外援 总决赛 战术板 罚球 常规赛 挡拆",
            "basketball, playoffs, three-pointers, rebounds, assists, point guard, finals",
        ),
        _t(
            "冰雪运动",
            "winter sports",
            "冰雪运动 滑雪场 短道速滑 花样滑冰 单板滑雪 雪道 冰球 人工造雪 冬奥会 冰雪旅游 滑雪教练 雪季",
            "winter sports, ski resort, short track, figure skating, snowboarding, ice hockey, snow season",
        ),
    ),
    "ent": (
        _t(
            "电影票房",
            "box office",
            "电影 票房 档期 首映 导演 主演 排片 口碑 影院 预售 续集 特效 影评 春节档 观影人次",
            "box office, film, premiere, director, cinemas, release window, sequel, reviews",
        ),
        _t(
            "综艺节目",
            "variety shows",
            "综艺 真人秀 嘉宾 收视率 节目组 录制 选秀 导师 舞台 弹幕 播出平台 慢综艺 节目模式",
            "variety show, reality show, ratings, guests, stage, contestants, streaming platform",
        ),
        _t(
            "流行音乐",
            "pop music",
            "流行音乐 新专辑 单曲 演唱会 巡演 歌迷 音乐节 乐队 编曲 音乐榜单 现场演出 原创歌手 数字专辑",
            "pop music, new album, single, concert tour, fans, music festival, band, charts",
        ),
        _t(
            "电视剧",
            "TV drama",
            "电视剧 剧集 收官 编剧 改编 古装剧 悬疑剧 开播 演技 剧情 角色 网播量 追剧 短剧",
            "TV series, drama, screenwriter, finale, adaptation, period drama, streaming",
        ),
    ),
    "money": (
        _t(
            "股市行情",
            "stock market",
            "股市 A股 沪指 成交额 板块 指数 北向资金 市盈率 上市公司 财报 分红 回购 涨停 创业板 投资者",
            "stock market, index, turnover, listed companies, earnings, dividends, buybacks, investors",
        ),
        _t(
            "房地产",
            "property market",
            "楼市 房价 住房公积金 房贷利率 新房 二手房 成交量 开发商 保障性住房 首付比例 库存 租赁市场 交付 城中村改造",
            "housing market, home prices, mortgage rates, developers, affordable housing, rentals, completions",
        ),
        _t(
            "消费市场",
            "consumer spending",
            "消费 社会消费品零售总额 以旧换新 夜经济 餐饮 线上购物 促销 消费券 客流 商圈 服务消费 假日经济 首发经济",
            "consumer spending, retail sales, trade-in schemes, shopping districts, promotions, holiday spending",
        ),
        _t(
            "货币政策",
            "monetary policy",
            "货币政策 央行 降准 利率 贷款市场报价利率 流动性 人民币汇率 通胀 信贷 社融 国债 外汇储备 逆回购",
            "monetary policy, central bank, interest rates, liquidity, exchange rate, inflation, credit",
        ),
    ),
    "tech": (
        _t(
            "人工智能",
            "artificial intelligence",
            "人工智能 大模型 算力 训练数据 推理 开源模型 智能体 参数规模 多模态 算法 数据中心 生成式AI 机器学习 "
            "幻觉问题",
            "artificial intelligence, large models, compute, training data, inference, open-source models, agents",
        ),
        _t(
            "芯片",
            "semiconductors",
            "芯片 半导体 晶圆 制程 光刻机 先进封装 设计工具 产能 晶体管 存储芯片 国产替代 代工厂 良率",
            "chips, semiconductors, wafers, process node, lithography, packaging, foundry, yield",
        ),
        _t(
            "新能源电池",
            "batteries",
            "动力电池 锂电池 固态电池 能量密度 正极材料 电芯 储能 回收利用 钠离子电池 充放电 热失控 电池产业链",
            "batteries, lithium, solid-state batteries, energy density, cathode materials, energy storage, recycling",
        ),
        _t(
            "航天探索",
            "space exploration",
            "航天 火箭 发射 空间站 航天员 卫星 探月 火星探测 轨道 返回舱 商业航天 有效载荷 发射场",
            "space, rocket, launch, space station, astronauts, satellites, lunar exploration, orbit",
        ),
    ),
    "auto": (
        _t(
            "新能源汽车",
            "electric vehicles",
            "新能源汽车 电动车 插电混动 续航里程 充电桩 换电站 销量 车企 补能 购置税 渗透率 增程式 价格战",
            "electric vehicles, plug-in hybrids, driving range, charging stations, carmakers, sales, price war",
        ),
        _t(
            "自动驾驶",
            "autonomous driving",
            "自动驾驶 智能驾驶 激光雷达 辅助驾驶 城市领航 高精地图 传感器 自动泊车 路测 无人出租车 车路协同 接管率",
            "autonomous driving, lidar, driver assistance, sensors, robotaxi, road tests, parking assist",
        ),
        _t(
            "车展与新车",
            "new cars",
            "车展 新车 上市 发布会 配置 官方指导价 轴距 底盘 智能座舱 试驾 预售 改款 车型",
            "motor show, new models, launch, test drive, cabin, chassis, list price",
        ),
        _t(
            "汽车出口",
            "car exports",
            "汽车出口 海外市场 整车 出口量 滚装船 本地化生产 经销商 品牌出海 关税 售后网络 海外工厂",
            "car exports, overseas markets, shipping, dealers, local production, tariffs, after-sales",
        ),
    ),
    "edu": (
        _t(
            "高考",
            "college entrance exam",
            "高考 志愿填报 考生 录取分数线 新高考 选科 招生计划 强基计划 模拟考 复习 阅卷 专业选择 位次",
            "college entrance exam, applications, admission scores, subject choice, revision, majors",
        ),
        _t(
            "职业教育",
            "vocational education",
            "职业教育 职业院校 技能人才 实训基地 产教融合 订单班 技能大赛 工匠精神 学徒制 就业率 职业证书",
            "vocational education, skills training, apprenticeships, employment, workshops, certificates",
        ),
        _t(
            "课后服务",
            "after-school programmes",
            "课后服务 减负 作业 兴趣课程 家校沟通 托管 体育锻炼 阅读时间 校园 班主任 素质教育 社团活动",
            "after-school programmes, homework, clubs, school day, teachers, exercise",
        ),
        _t(
            "留学",
            "studying abroad",
            "留学 签证 申请季 语言考试 奖学金 海外院校 专业排名 申请文书 交换项目 回国就业 留学费用",
            "studying abroad, visas, applications, scholarships, universities, language tests",
        ),
    ),
    "baby": (
        _t(
            "婴幼儿喂养",
            "infant feeding",
            "母乳喂养 辅食 奶粉 食物过敏 营养 月龄 夜奶 体重 儿童保健 挑食 维生素D 生长曲线",
            "infant feeding, breastfeeding, solid food, allergies, nutrition, growth charts",
        ),
        _t(
            "亲子阅读",
            "reading together",
            "亲子阅读 绘本 睡前故事 图书馆 识字 阅读习惯 书单 朗读 分级读物 想象力 陪伴",
            "reading together, picture books, bedtime stories, library, reading habits, reading aloud",
        ),
        _t(
            "儿童心理",
            "child psychology",
            "儿童心理 情绪管理 分离焦虑 安全感 叛逆期 社交能力 自信心 亲子沟通 规则意识 屏幕时间 专注力",
            "child psychology, emotions, separation anxiety, confidence, screen time, attention",
        ),
        _t(
            "入园准备",
            "starting kindergarten",
            "入园 幼儿园 自理能力 作息 适应期 幼儿教师 午睡 如厕 家长会 集体生活 入园焦虑",
            "starting kindergarten, routines, nap time, teachers, independence, first weeks",
        ),
    ),
    "art": (
        _t(
            "博物馆展览",
            "museum exhibitions",
            "博物馆 展览 文物 策展 青铜器 瓷器 预约参观 讲解 数字展厅 藏品 特展 文创产品",
            "museum, exhibition, artefacts, curators, bronze ware, porcelain, collection",
        ),
        _t(
            "书法",
            "calligraphy",
            "书法 毛笔 楷书 行书 碑帖 临摹 笔画 宣纸 书法家 章法 墨色 结字",
            "calligraphy, brush, ink, rubbings, strokes, rice paper",
        ),
        _t(
            "传统戏曲",
            "Chinese opera",
            "戏曲 京剧 昆曲 越剧 唱腔 剧团 经典名段 票友 非遗传承人 戏曲舞台 水袖 新编戏",
            "Chinese opera, Peking opera, Kunqu, singing style, troupe, stage",
        ),
        _t(
            "当代艺术",
            "contemporary art",
            "当代艺术 装置艺术 画廊 艺术家 双年展 影像作品 油画 美术馆 驻留计划 公共艺术",
            "contemporary art, installation, gallery, artists, biennale, painting",
        ),
    ),
    "mobile": (
        _t(
            "折叠屏手机",
            "foldable phones",
            "折叠屏 铰链 折痕 外屏 内屏 机身厚度 整机重量 开合寿命 耐用性 大屏体验 折叠屏手机",
            "foldable phone, hinge, crease, cover screen, thickness, durability",
        ),
        _t(
            "手机影像",
            "phone cameras",
            "手机影像 主摄 长焦 潜望式镜头 传感器尺寸 夜景模式 人像模式 影像算法 防抖 视频拍摄 计算摄影",
            "phone camera, main sensor, telephoto, night mode, portrait mode, stabilisation",
        ),
        _t(
            "快充续航",
            "charging and battery life",
            "快充 电池容量 续航 充电功率 毫安时 发热 无线充电 充电器 功耗 省电模式 电池健康",
            "fast charging, battery life, charging power, wireless charging, power draw, battery health",
        ),
        _t(
            "手机系统",
            "phone software",
            "操作系统 系统更新 隐私保护 权限管理 应用商店 预装软件 流畅度 生态互联 安全补丁 广告推送",
            "operating system, updates, privacy, app permissions, app store, security patches",
        ),
    ),
    "open": (
        _t(
            "经济学公开课",
            "economics class",
            "经济学 供给 需求 边际成本 机会成本 通货膨胀 市场失灵 公共物品 博弈论 课堂讨论 价格机制",
            "economics, supply, demand, marginal cost, opportunity cost, game theory",
        ),
        _t(
            "历史人文讲座",
            "history lectures",
            "历史 讲座 丝绸之路 考古发现 史料 朝代 古城 文献 历史学家 文明交流 地方志",
            "history lecture, Silk Road, archaeology, sources, ancient cities, civilisations",
        ),
        _t(
            "编程入门",
            "programming basics",
            "编程 Python 变量 函数 循环 调试 算法入门 数据结构 开源项目 课后练习 代码",
            "programming, Python, variables, functions, loops, debugging",
        ),
        _t(
            "心理学课",
            "psychology class",
            "心理学 认知偏差 记忆 睡眠 压力管理 心理实验 行为 情绪调节 动机 习惯养成",
            "psychology, cognitive bias, memory, sleep, stress, habits",
        ),
    ),
}

# Who gets quoted, by channel; GENERAL_ROLES fill in everywhere.
ROLES: dict[str, tuple[str, ...]] = {
    "news": ("街道负责人", "社区工作者", "城市规划专家", "当地居民", "志愿者"),
    "sports": ("主教练", "队长", "体育评论员", "赛事负责人", "老球迷"),
    "ent": ("导演", "制片人", "影评人", "编剧", "音乐制作人"),
    "money": ("分析师", "经济学家", "基金经理", "研究员", "券商人士"),
    "tech": ("工程师", "研究员", "创业者", "产品负责人", "高校教授"),
    "auto": ("工程师", "销售顾问", "车主", "汽车评论员", "行业分析师"),
    "edu": ("校长", "班主任", "家长", "教育研究者", "招生老师"),
    "baby": ("儿科医生", "育儿专家", "幼儿园老师", "新手妈妈", "营养师"),
    "art": ("策展人", "艺术家", "文博研究员", "剧团演员", "美术馆馆长"),
    "mobile": ("产品经理", "评测博主", "老用户", "工程师", "渠道商"),
    "open": ("主讲老师", "教授", "学员", "课程助教", "研究者"),
}
GENERAL_ROLES = ("业内人士", "专家", "受访者", "相关负责人", "观察人士")
ROLES_EN = ("analyst", "researcher", "local official", "organiser", "engineer", "teacher", "economist", "curator")

# 汉字 with their pinyin, so that handles are readable ASCII without a pinyin library.
SURNAMES = (
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"), ("黄", "huang"),
    ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"), ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"),
    ("胡", "hu"), ("郭", "guo"), ("何", "he"), ("林", "lin"), ("高", "gao"), ("罗", "luo"), ("郑", "zheng"),
    ("梁", "liang"), ("谢", "xie"), ("宋", "song"), ("唐", "tang"), ("许", "xu"), ("韩", "han"), ("冯", "feng"),
    ("邓", "deng"), ("曹", "cao"), ("彭", "peng"), ("曾", "zeng"), ("肖", "xiao"), ("田", "tian"), ("董", "dong"),
    ("潘", "pan"), ("袁", "yuan"), ("蒋", "jiang"), ("蔡", "cai"), ("余", "yu"), ("杜", "du"), ("叶", "ye"),
    ("程", "cheng"), ("魏", "wei"), ("苏", "su"), ("丁", "ding"), ("沈", "shen"), ("姚", "yao"), ("卢", "lu"),
    ("欧阳", "ouyang"),
)  # fmt: skip
GIVEN = (
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"), ("强", "qiang"),
    ("磊", "lei"), ("军", "jun"), ("洋", "yang"), ("勇", "yong"), ("艳", "yan"), ("杰", "jie"), ("娟", "juan"),
    ("涛", "tao"), ("明", "ming"), ("超", "chao"), ("秀", "xiu"), ("霞", "xia"), ("平", "ping"), ("刚", "gang"),
    ("英", "ying"), ("华", "hua"), ("玉", "yu"), ("萍", "ping"), ("红", "hong"), ("鹏", "peng"), ("辉", "hui"),
    ("建", "jian"), ("文", "wen"), ("思", "si"), ("雨", "yu"), ("晨", "chen"), ("宇", "yu"), ("欣", "xin"),
    ("怡", "yi"), ("子", "zi"), ("梓", "zi"), ("浩", "hao"), ("然", "ran"), ("轩", "xuan"), ("博", "bo"),
    ("嘉", "jia"), ("琪", "qi"), ("悦", "yue"), ("诗", "shi"), ("涵", "han"), ("一", "yi"), ("凡", "fan"),
    ("晓", "xiao"), ("婷", "ting"), ("立", "li"), ("新", "xin"), ("志", "zhi"), ("远", "yuan"), ("海", "hai"),
    ("峰", "feng"), ("云", "yun"), ("舒", "shu"), ("安", "an"), ("宁", "ning"), ("清", "qing"), ("泽", "ze"),
    ("楠", "nan"), ("瑶", "yao"), ("航", "hang"), ("铭", "ming"), ("彤", "tong"), ("毅", "yi"), ("睿", "rui"),
    ("蕾", "lei"), ("颖", "ying"), ("佳", "jia"), ("慧", "hui"), ("俊", "jun"), ("哲", "zhe"),
)  # fmt: skip
FIRST_NAMES_EN = ("Emma", "Oliver", "Sophie", "James", "Hannah", "Daniel", "Grace", "Lucas", "Chloe", "Ethan", "Amelia")
LAST_NAMES_EN = ("Clarke", "Bennett", "Hughes", "Foster", "Turner", "Reid", "Walsh", "Palmer", "Hayes", "Marsh")

# (汉字, pinyin for handles, English name)
CITIES = (
    ("北京", "beijing", "Beijing"), ("上海", "shanghai", "Shanghai"), ("广州", "guangzhou", "Guangzhou"),
    ("深圳", "shenzhen", "Shenzhen"), ("杭州", "hangzhou", "Hangzhou"), ("成都", "chengdu", "Chengdu"),
    ("重庆", "chongqing", "Chongqing"), ("武汉", "wuhan", "Wuhan"), ("西安", "xian", "Xi'an"),
    ("南京", "nanjing", "Nanjing"), ("苏州", "suzhou", "Suzhou"), ("长沙", "changsha", "Changsha"),
    ("郑州", "zhengzhou", "Zhengzhou"), ("青岛", "qingdao", "Qingdao"), ("厦门", "xiamen", "Xiamen"),
    ("昆明", "kunming", "Kunming"), ("合肥", "hefei", "Hefei"), ("天津", "tianjin", "Tianjin"),
    ("沈阳", "shenyang", "Shenyang"), ("哈尔滨", "haerbin", "Harbin"), ("贵阳", "guiyang", "Guiyang"),
    ("宁波", "ningbo", "Ningbo"),
)  # fmt: skip

# Channel slug → (beat in Chinese, beat in handles, what the beat covers, for bios).
BEATS: dict[str, tuple[str, str, str]] = {
    "news": ("时事", "news", "城市生活与社会民生"),
    "sports": ("体育", "sports", "体育赛事与全民健身"),
    "ent": ("娱乐", "showbiz", "影视综艺与流行音乐"),
    "money": ("财经", "money", "宏观经济与资本市场"),
    "tech": ("科技", "tech", "前沿科技与产业变化"),
    "auto": ("汽车", "auto", "汽车产业与出行方式"),
    "edu": ("教育", "edu", "升学、职业教育与校园生活"),
    "baby": ("育儿", "parenting", "科学育儿与家庭教育"),
    "art": ("艺术", "art", "展览、戏曲与传统文化"),
    "mobile": ("数码", "gadgets", "手机与消费电子"),
    "open": ("课堂", "class", "通识课程与终身学习"),
}
# A keyword in a creator's name → its home channels (the first is its main one): 重庆数码观察
# writes in 手机 and 科技, 上海教育工作室 in 教育. Names without a keyword (people) claim nothing.
NAME_CHANNELS = (
    ("数码", ("mobile", "tech")), ("手机", ("mobile", "tech")), ("科技", ("tech", "mobile")),
    ("财经", ("money",)), ("汽车", ("auto",)), ("教育", ("edu", "open")), ("课堂", ("open", "edu")),
    ("育儿", ("baby", "edu")), ("体育", ("sports",)), ("娱乐", ("ent", "art")), ("艺术", ("art", "ent")),
    ("时事", ("news",)),
)  # fmt: skip
# (name template, handle template, kind) for media and organisation accounts.
OUTLETS = (
    ("{city}{beat}观察", "{cpy}-{bpy}-watch", "media"),
    ("{beat}早班车", "{bpy}-morning", "media"),
    ("{beat}研究社", "{bpy}-lab", "organisation"),
    ("{city}{beat}周刊", "{cpy}-{bpy}-weekly", "media"),
    ("{beat}新视界", "{bpy}-view", "media"),
    ("{city}{beat}工作室", "{cpy}-{bpy}-studio", "organisation"),
)

MOTTOS = (
    "记录时代的细节", "用数据说话", "慢一点，看清楚", "把复杂的事讲简单", "只写自己核实过的事",
    "好奇心是最好的采访本", "在现场，说真话", "每天进步一点点", "让专业的知识被更多人看见", "做时间的朋友",
    "认真对待每一个问题", "讲好身边的故事", "不追热点，追真相", "写给愿意思考的人", "以文会友",
    "看见普通人的努力", "文字要有温度", "少一些情绪，多一些事实", "保持好奇，保持怀疑", "一个爱较真的写作者",
    "陪你读懂这个世界", "跑在一线的记录者", "把生活过成喜欢的样子", "愿每一次阅读都有收获",
)  # fmt: skip
MOTTOS_EN = (
    "Curious by default.",
    "Facts first, opinions later.",
    "Writing about what changes everyday life.",
    "Small stories, big picture.",
)
BIO_EXTRAS = (
    "曾参与多个专题报道。", "相信好内容值得被慢慢读完。", "欢迎在评论区交流线索与想法。",
    "坚持实地采访，文章中的数据均注明来源。", "业余时间喜欢跑步和读书。", "希望用通俗的语言解释专业问题。",
)  # fmt: skip

# Fictional publishers: the demo invents headlines, so it never attributes them to real outlets.
PUBLISHERS = (
    "晨光日报", "南方观察", "北辰新闻社", "星河财经", "远见研究院", "青禾教育研究中心", "澜湾艺术评论",
    "云帆汽车研究院", "启明数码实验室", "开卷学习社", "东岸体育周刊", "明川健康报",
)  # fmt: skip
PUBLISHERS_EN = ("Harbour Review", "Meridian Research", "The Weekly Ledger", "Northgate Daily")

# ---------------------------------------------------------------- Chinese templates
TITLES = (
    "{k}迎来新变化，{k2}成为焦点",
    "{place}{k}观察：{k2}背后的{n}",
    "{k}走到关键一步：{k2}能否破题？",
    "{num}个关键词，读懂{year}年的{k}",
    "从{k}到{k2}：{place}的{num}个观察",
    "{k}再提速，{k2}{vn}进入新阶段",
    "{role}谈{k}：{k2}需要更{a}的{vn}",
    "{k}热度不减，{k2}怎么看",
    "深度｜{k}的{a}之路",
    "当{k}遇上{k2}",
    "{place}：{k}带动{k2}{vn}",
    "一文看懂{k}：{k2}、{k3}与{n}",
    "{k}为何持续升温？",
    "{topic}观察｜{k}与{k2}",
    "关于{k}，这{num}件事值得关注",
    "{k}的{n}变了，{k2}跟上了吗",
    "直击{place}：{k}一线见闻",
    "{year}年{k}的新看点：{k2}",
)
SUBHEADINGS = (
    "{k}的新变化", "{k2}背后的{n}", "从{k}看{vn}", "{place}的{k}样本", "{role}怎么看",
    "数据里的{k}", "{k2}：机遇与挑战", "下一步怎么走", "普通人的{k}", "{k}还有哪些难题",
    "关于{k2}的{num}个问题", "一线观察：{k}", "{k}与{k3}", "不只是{k}",
)  # fmt: skip
SENTENCES = (
    "{place}的{k}近来受到关注，{k2}与{n}之间的关系也被重新讨论。",
    "据了解，今年以来{place}围绕{k}开展了{num}项{vn}，覆盖{big}人次。",
    "{role}{person}表示，{k}的关键在于{n}，“{k2}做得好不好，最终要看{n2}有没有真正改善”。",
    "从数据看，{k}相关指标同比增长{pct}，其中{k2}的贡献最为{a}。",
    "不少业内人士认为，{k}已经从{n}阶段进入{vn}阶段。",
    "这意味着，{k2}不再只是一个{n}话题，也关系到{n2}和{vn}。",
    "在{k}方面，{place}的做法是先{v}{n}，再{v2}{k2}。",
    "记者在现场看到，{k}和{k2}已成为不少人讨论的话题。",
    "{k}带来的变化是{a}的：{n}在调整，{k2}也在调整。",
    "一位{role}告诉记者，过去{num}年里，{k}经历了{a}的{vn}。",
    "围绕{k2}，各方的意见并不完全一致。",
    "有观点认为，{k}的{vn}需要更多耐心，不能只看短期{n}。",
    "{month}月以来，{k}的热度持续上升，{k2}相关话题多次登上热搜。",
    "对于普通人来说，{k}最直接的影响体现在{n}和{k2}上。",
    "与此同时，{k3}也在{d}改变{n}与{vn}的关系。",
    "数据显示，截至{month}月底，{place}{k}相关{n}已达{big}。",
    "“我们更看重{k}的长期价值。”{person}说。",
    "值得注意的是，{k2}的{vn}并非一帆风顺，{n}和{n2}仍是{a}的难题。",
    "业内普遍预计，未来{num}个月，{k}仍将保持{a}的势头。",
    "{k}之所以受到重视，一个重要原因是它与{n}密切相关。",
    "在{person}看来，{k}和{k2}应该放在一起考虑。",
    "这一变化的背后，是{n}、{n2}与{k}之间的{vn}。",
    "今年{month}月，{place}发布了关于{k}的{num}条措施，重点是{v}{k2}。",
    "关于{k2}，{pct}的受访者表示愿意继续关注。",
    "一些{role}提醒，{k}要避免{a}的做法，更要防止{n}流于形式。",
    "换句话说，{k}并不是孤立的，它连着{k2}，也连着每个人的{n}。",
    "以{place}为例，当地把{k}纳入{n}{vn}的整体安排。",
    "从{k}到{k2}，每一个环节都需要{a}的{vn}。",
    "{person}回忆，第一次接触{k}是在{num}年前，那时{k2}还很少有人提起。",
    "有{role}算了一笔账：如果{k}推进顺利，{n}成本可以下降{pct}。",
    "这些举措能否见效，还要看{k2}的落实情况。",
    "对此，{place}有关部门回应称，将{d}{v}{k}相关{n}。",
    "在{k}的讨论中，{n}是绕不开的话题。",
    "一个{a}的事实是，{k2}正在成为{k}的新起点。",
    "总的来看，{k}的{vn}仍处在{a}阶段，{k2}值得持续关注。",
    "社交平台上，关于{k}的讨论超过{big}条，许多网友关心{k2}。",
    "专家建议，{k}应当与{n}{vn}相结合，{d}{v}{k2}。",
    "{place}的一位{role}坦言，{k}“说起来容易，做起来难”。",
    "而在{k3}问题上，{n}的作用同样不可忽视。",
    "据{role}介绍，{k}的第一阶段已经完成，第二阶段将聚焦{k2}。",
    "{k}的{n}正在被重新定义，{k2}只是其中一环。",
    "如何平衡{k}与{n}，是摆在{place}面前的一道{a}的考题。",
)
CLOSINGS = (
    "{k}的故事还在继续，{k2}的进展我们将持续关注。",
    "说到底，{k}最终要落到每个人的{n}上。",
    "关于{k}，你有什么看法？欢迎在评论区留言。",
    "可以预见，{k}与{k2}还会带来更多新的变化。",
)
LIST_INTROS = ("具体来看，主要有以下几点：", "梳理下来，有几件事值得留意：", "归纳起来，大致包括：")
LIST_ITEMS = (
    "**{k}**：重点在于{n}和{vn}。",
    "**{k}**：需要{a}的{vn}支撑。",
    "**{k}**：与{k2}密切相关。",
    "**{k}**：已在{place}开展试点。",
    "**{k}**：{pct}的受访者认为最重要。",
    "**{k}**：{d}{v}{n}。",
)
QUOTES = (
    "“{k}不是一天能做好的事，{k2}更需要耐心。”",
    "“我们希望通过{k}，让{n}变得更{a}。”",
    "“{k}和{k2}，说到底都是为了人。”",
)
REFERENCE_TITLES = (
    "{year}年{k}发展报告",
    "关于{k}的调查数据（{month}月）",
    "{place}{k}工作情况通报",
    "{k}与{k2}：{vn}趋势分析",
    "{k}相关问题答记者问",
    "{topic}年度观察",
)
CAPTIONS = ("图：{k}主题配图", "{k}（示意配图）", "图为{topic}主题配图")

# ---------------------------------------------------------------- English vocabulary and templates
NOUNS_EN = (
    "approach", "budget", "community", "decision", "effort", "experience", "goal", "impact", "initiative",
    "network", "policy", "priority", "process", "question", "resource", "result", "service", "standard",
    "strategy", "system", "trend", "challenge", "opportunity", "audience", "demand", "debate", "timeline",
    "framework", "partnership", "survey", "benchmark", "cost", "capacity",
)  # fmt: skip
ADJECTIVES_EN = (
    "clear", "gradual", "steady", "practical", "ambitious", "careful", "wider", "strong", "modest",
    "significant", "uneven", "long-term", "local", "familiar", "difficult", "encouraging", "cautious",
    "rapid", "important",
)  # fmt: skip
VERBS_EN = (
    "improve", "expand", "support", "test", "rethink", "measure", "build", "reduce", "share", "explain",
    "protect", "simplify", "fund", "review", "strengthen", "balance", "track",
)  # fmt: skip
ADVERBS_EN = ("steadily", "quietly", "quickly", "gradually", "increasingly", "carefully", "widely")
GROUPS_EN = (
    "residents", "families", "young people", "small businesses", "local officials", "researchers", "teachers",
    "fans", "investors", "consumers", "engineers", "parents",
)  # fmt: skip
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
)  # fmt: skip

TITLES_EN = (
    "{K}: what the {adj} {noun} means for {k2}",
    "How {place} is rethinking {k}",
    "{num} things to know about {k}",
    "Momentum builds for {k}, with {k2} in focus",
    "Why {k} [deserves|deserve] a closer look",
    "Inside {place}'s push on {k}",
    "From {k} to {k2}: notes from {place}",
    "The {adj} story behind {k}",
)
SUBHEADINGS_EN = (
    "What is changing",
    "{K} by the numbers",
    "The view from {place}",
    "What comes next for {k}",
    "Why {k2} matters",
    "The {adj} picture",
    "Questions about {k}",
)
SENTENCES_EN = (
    "In {place}, the debate about {k} has moved from a niche topic to a {adj} {noun} for many {group}.",
    "Officials say the next step is to {verb} {k2} without losing sight of the {noun}.",
    "Figures released in {monthname} suggest that interest in {k} rose by {pct} over the past year.",
    '"We want to {verb} {k} in a way that people can actually feel," said {person}, a {role} in {place}.',
    "The change has been {adv} felt by {group} and {group2} alike.",
    "Critics argue that {k2} still [lacks|lack] a {adj} {noun}.",
    "For now, the story of {k} is far from finished.",
    "Much depends on whether {k2} can keep pace with {k3}.",
    "Several {group} told us that {k} had changed how they think about the {noun}.",
    "The debate over {k} is not new, but it has become {adv} urgent.",
    "One {role} put it simply: progress on {k} depends on progress on {k2}.",
    "About {pct} of those surveyed named {k2} as their main concern.",
    "Supporters point to {k} as a {adj} example of a {noun} done well.",
    "The push on {k} is also reshaping the {noun} around {k2}.",
    "The first phase focused on {k}; the second will look at {k2}.",
    "Over the past {num} years, {k} [has|have] gone through a {adj} period of change.",
    "Some {group} have {adv} begun to {verb} their own {noun}.",
    "That leaves a {adj} question: who pays for {k2}?",
    "There are signs that work on {k} is entering a more {adj} phase.",
    "Still, the question of {k3} is likely to stay on the agenda for months to come.",
    "Behind the numbers lies a {adj} {noun} about {k}.",
    "In {place}, a pilot scheme linking {k} and {k2} has reached {big} people.",
    "Experts recommend pairing {k} with a {adj} {noun} and regular reviews.",
    "What happens next will {adv} shape the {noun} for {group}.",
    "None of this stands alone: work on {k} ties into {k2} and into the everyday {noun} of {group}.",
    "Since {monthname}, {place} has published {num} measures on {k}, most of them about {k2}.",
)
CLOSINGS_EN = (
    "The story of {k} is far from over, and {k2} will be worth watching.",
    "In the end, {k} will be judged by what changes for {group}.",
    "What do you think about {k}? Tell us in the comments.",
)
LIST_INTROS_EN = ("A few points stand out:", "In short:", "What to watch:")
LIST_ITEMS_EN = (
    "**{K}**: a {adj} {noun} that needs steady funding.",
    "**{K}**: already being tested in {place}.",
    "**{K}**: closely linked to {k2}.",
    "**{K}**: the point most {group} mention first.",
)
QUOTES_EN = (
    '"You do not fix {k} in a year; {k2} will take even more patience."',
    '"If we get {k} right, {group} will notice."',
)
REFERENCE_TITLES_EN = (
    "{K} in {year}: an annual review",
    "Survey on {k} ({monthname})",
    "{place} progress report on {k}",
)
# English keywords ending in -s that take a singular verb (the rule in text.is_plural_en says
# a final -s means plural, except -ss, -is, -us and -ics).
SINGULAR_EN = frozenset({"TV series", "after-sales", "chassis", "cognitive bias", "table tennis", "mixed doubles"})
CAPTIONS_EN = ("Illustration for {k}", "Illustration: {k}")

# Named colours for the generated pictures: their alt text says what they show.
COLOURS = (
    ("深蓝", "navy", (24, 44, 96)),
    ("天蓝", "sky blue", (110, 172, 228)),
    ("青绿", "teal", (22, 140, 132)),
    ("草绿", "grass green", (96, 170, 82)),
    ("橙黄", "amber", (238, 170, 48)),
    ("橘红", "orange-red", (228, 92, 52)),
    ("酒红", "burgundy", (128, 32, 52)),
    ("淡紫", "lilac", (192, 154, 212)),
    ("米白", "cream", (242, 232, 212)),
    ("炭灰", "charcoal", (62, 62, 68)),
    ("金色", "gold", (212, 172, 72)),
    ("靛紫", "indigo", (72, 52, 142)),
)
SHAPES = (
    ("circles", "圆形", "circles"),
    ("rings", "圆环", "rings"),
    ("triangles", "三角形", "triangles"),
    ("stripes", "斜向条纹", "diagonal stripes"),
    ("squares", "方块", "squares"),
)
